import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisposableServer } from './disposable-server';
import { freePort } from './free-port';

/** Debian's package (`scripts/services.sh --prometheus` or `--promtool` installs it). */
export const PROMETHEUS = existsSync('/usr/bin/prometheus') ? '/usr/bin/prometheus' : 'prometheus';

/** A scrape job of the test's Prometheus: its name and the `host:port` of each target. */
export interface ScrapeJob {
  job: string;
  targets: string[];
}

/** A target Prometheus has discovered, as `/api/v1/targets` lists it. */
export interface ActiveTarget {
  labels: Record<string, string>;
  health: string;
  lastScrape: string;
}

/** What the query API answers for one series (an instant vector's sample). */
export interface PrometheusSeries {
  metric: Record<string, string>;
  value: [number, string];
}

/**
 * A Prometheus of a test's own (its port, its data directory in a temp dir), scraping the given jobs every
 * `scrapeIntervalSeconds` (or as a given config file says); never the shared one `scripts/services.sh --prometheus`
 * runs on :9090.
 */
export class DisposablePrometheus extends DisposableServer {
  private readonly directory = mkdtempSync(join(tmpdir(), 'prometheus-'));

  private readonly configFile: string;

  private constructor(
    port: number,
    private readonly jobs: ScrapeJob[],
    public readonly scrapeIntervalSeconds: number,
    configFile?: string,
  ) {
    super(port);
    this.configFile = configFile ?? join(this.directory, 'prometheus.yml');
  }

  public static async start(jobs: ScrapeJob[], scrapeIntervalSeconds = 1): Promise<DisposablePrometheus> {
    const prometheus = new DisposablePrometheus(await freePort(), jobs, scrapeIntervalSeconds);
    prometheus.writeConfig();
    await prometheus.restart();
    await prometheus.untilReady();
    return prometheus;
  }

  /** Prometheus with a config file of the caller's (relative paths in it resolve against its directory). */
  public static async withConfig(configFile: string): Promise<DisposablePrometheus> {
    const prometheus = new DisposablePrometheus(await freePort(), [], 15, configFile);
    await prometheus.restart();
    await prometheus.untilReady();
    return prometheus;
  }

  public get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** An instant query's vector (`/api/v1/query`); throws with Prometheus's error for a query it refuses. */
  public async query(expression: string): Promise<PrometheusSeries[]> {
    const response = await fetch(`${this.url}/api/v1/query?${new URLSearchParams({ query: expression })}`);
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: PrometheusSeries[] | [number, string] };
    };
    if (body.status !== 'success' || !body.data) throw new Error(`${expression}: ${body.error ?? response.status}`);
    if (body.data.resultType !== 'vector') return [{ metric: {}, value: body.data.result as [number, string] }];
    return body.data.result as PrometheusSeries[];
  }

  /** Resolves once every target has been scraped successfully `times` more times from now. */
  public async scrapedAgain(times = 2, timeoutMs = 30_000): Promise<void> {
    const since = Date.now() + (times - 1) * this.scrapeIntervalSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const targets = await this.targets();
      const expected = this.jobs.reduce((sum, job) => sum + job.targets.length, 0);
      const fresh = targets.filter((target) => target.health === 'up' && Date.parse(target.lastScrape) > since);
      if (targets.length === expected && fresh.length === expected) return;
      if (Date.now() > deadline) throw new Error(`targets not all scraped in time: ${JSON.stringify(targets)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The targets Prometheus scrapes now (discovered ones included). */
  public async targets(): Promise<ActiveTarget[]> {
    const response = await fetch(`${this.url}/api/v1/targets?state=active`);
    const body = (await response.json()) as { data: { activeTargets: ActiveTarget[] } };
    return body.data.activeTargets;
  }

  public async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }

  protected command(): [string, string[]] {
    return [
      PROMETHEUS,
      [
        `--config.file=${this.configFile}`,
        `--storage.tsdb.path=${join(this.directory, 'data')}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
      ],
    ];
  }

  private writeConfig(): void {
    const interval = `${this.scrapeIntervalSeconds}s`;
    const jobs = this.jobs.map(
      ({ job, targets }) =>
        `  - job_name: ${job}\n    static_configs:\n      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
    );
    const global = `global:\n  scrape_interval: ${interval}\n  scrape_timeout: ${interval}\n  evaluation_interval: ${interval}`;
    writeFileSync(this.configFile, `${global}\nscrape_configs:\n${jobs.join('\n')}\n`);
  }

  private async untilReady(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const ready = await fetch(`${this.url}/-/ready`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Prometheus on ${this.url} was not ready within ${timeoutMs} ms`);
  }
}
