import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { scrapedGauge } from '../metrics/metric-factories';
import { Draining } from './draining';
import { PROBE_TIMEOUT_MS, READINESS_PROBES, withTimeout, type ReadinessProbe } from './readiness-probe';

/**
 * `readiness_probe_up{probe}` on `/metrics`: the probes of `GET /health/ready` run again when Prometheus scrapes
 * (1 answers, 0 does not within the probe timeout), and `readiness_draining` (1 while the process drains), so that an
 * alert can say which dependency an app lost without anything probing its HTTP health.
 */
@Injectable()
export class ReadinessMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly disposers: (() => void)[] = [];

  public constructor(
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
    private readonly draining: Draining,
  ) {}

  public onModuleInit(): void {
    this.disposers.push(
      scrapedGauge({
        name: 'readiness_probe_up',
        help: 'Whether a readiness probe of GET /health/ready answers (1) or not (0), by probe',
        labelNames: ['probe'],
        timeoutMs: PROBE_TIMEOUT_MS + 500,
        read: async (gauge) => {
          await Promise.all(
            this.probes.map(async (probe) => {
              const up = await withTimeout(probe.check(), PROBE_TIMEOUT_MS, probe.name).then(
                () => 1,
                () => 0,
              );
              gauge.set({ probe: probe.name }, up);
            }),
          );
        },
      }).dispose,
      scrapedGauge({
        name: 'readiness_draining',
        help: 'Whether the process drains before shutdown (1: readiness answers 503 on purpose)',
        labelNames: [],
        read: (gauge) => Promise.resolve(gauge.set(this.draining.active ? 1 : 0)),
      }).dispose,
    );
  }

  public onModuleDestroy(): void {
    this.disposers.splice(0).forEach((dispose) => dispose());
  }
}
