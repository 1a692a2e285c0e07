import { Counter, Gauge, Histogram, register } from 'prom-client';

/*
 * Metrics live on prom-client's default registry, which `GET /metrics` serves. Several apps may run in one process
 * (the tests), so a metric that exists is reused rather than registered twice (prom-client would throw).
 */

export function counterOf<T extends string>(name: string, help: string, labelNames: readonly T[]): Counter<T> {
  return (
    (register.getSingleMetric(name) as Counter<T> | undefined) ??
    new Counter({ name, help, labelNames: [...labelNames] })
  );
}

export function gaugeOf<T extends string>(name: string, help: string, labelNames: readonly T[]): Gauge<T> {
  return (
    (register.getSingleMetric(name) as Gauge<T> | undefined) ?? new Gauge({ name, help, labelNames: [...labelNames] })
  );
}

export function histogramOf<T extends string>(
  name: string,
  help: string,
  labelNames: readonly T[],
  buckets: number[],
): Histogram<T> {
  return (
    (register.getSingleMetric(name) as Histogram<T> | undefined) ??
    new Histogram({ name, help, labelNames: [...labelNames], buckets })
  );
}

export interface ScrapedGaugeOptions<T extends string> {
  name: string;
  help: string;
  labelNames: readonly T[];
  /** Sets the gauge's values from a bounded read; runs on every scrape. */
  read: (gauge: Gauge<T>) => Promise<void>;
  /**
   * A read slower than this is left running and the scrape answers with the last values (the scrape itself must not
   * hang); later scrapes wait on that read instead of starting another, so reads never pile up behind a dependency.
   */
  timeoutMs?: number;
  /** Told of a failed or abandoned read (the gauge keeps its last values). */
  onError?: (error: unknown) => void;
}

/**
 * A gauge computed when Prometheus scrapes (a count or an age read from the database or Redis), owned by the
 * caller until `dispose`: a later owner (another app in the same process) replaces it. A read that fails or is too
 * slow leaves the last values, so `/metrics` still answers while a dependency is down (readiness says that).
 */
export function scrapedGauge<T extends string>(options: ScrapedGaugeOptions<T>): { dispose: () => void } {
  register.removeSingleMetric(options.name);
  const timeoutMs = options.timeoutMs ?? 1000;
  let inFlight: Promise<void> | undefined;
  const gauge: Gauge<T> = new Gauge({
    name: options.name,
    help: options.help,
    labelNames: [...options.labelNames],
    async collect() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${options.name}: read took over ${timeoutMs} ms`)), timeoutMs);
      });
      inFlight ??= options.read(gauge).finally(() => (inFlight = undefined));
      try {
        await Promise.race([inFlight, timeout]);
      } catch (error) {
        options.onError?.(error);
      } finally {
        clearTimeout(timer);
      }
    },
  });
  return {
    dispose: () => {
      if (register.getSingleMetric(options.name) === gauge) register.removeSingleMetric(options.name);
    },
  };
}
