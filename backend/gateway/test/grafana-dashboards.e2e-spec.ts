import {
  DisposablePrometheus,
  disposeIsolatedResources,
  eventually,
  freePort,
  uniqueTestId,
} from '@casino/platform/testing';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSandboxConfig } from '../../sandbox-psp/src/sandbox-config';
import { buildSandboxPsp, type SandboxPsp } from '../../sandbox-psp/src/sandbox-psp';
import { FakeHub88 } from '../../nest-app/test/game/support/fake-hub88';
import { uniqueEmail } from '../../nest-app/test/support/sign-in';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { CompiledApp, GATEWAY, WORKER_ETL } from './support/compiled-app';
import { CompiledNestApp } from './support/compiled-nest-app';
import { loadDashboards, panelsOf, queriesOf, type PanelQuery } from './support/dashboard-queries';
import {
  DemoClient,
  depositThroughSandbox,
  forgedSandboxWebhook,
  hub88Round,
  abuse,
  signInByEmail,
} from './support/demo-load';

const SCRAPE_SECONDS = 1;
const SANDBOX_KEY = 'sk_test_grafana_dashboards';
const SANDBOX_SECRET = 'whsec_grafana_dashboards';
/** nest-app's code requests per address, and the gateway's sign-in calls per address, in the test. */
const CODE_REQUESTS_PER_IP = 2;
const SIGN_IN_PER_IP = 5;
const PROMETHEUS_CONFIG = resolve(__dirname, '..', '..', '..', 'ops', 'prometheus', 'prometheus.yml');

/** The jobs `ops/prometheus/prometheus.yml` scrapes (the dashboards select on them). */
function shippedJobs(): string[] {
  return [...readFileSync(PROMETHEUS_CONFIG, 'utf8').matchAll(/job_name:\s*([\w-]+)/g)].map(([, job]) => job ?? '');
}

/**
 * Issue 23: every panel query of every dashboard in ops/grafana answers at least one series from a real Prometheus
 * (Debian's 2.42, a port and data directory of its own) scraping the compiled nest-app, worker-etl and gateway after
 * a small demo load: a sign-in with a wrong code, a sandbox PSP deposit pushed to the player, a forged webhook, a
 * Hub88 round with refusals, an abuser refused by nest-app and at the edge. A panel naming a metric, label value or
 * job no app exposes fails.
 */
describe('Grafana dashboards against a real Prometheus scraping the apps (e2e)', () => {
  const id = uniqueTestId('grafana');
  const hub88 = new FakeHub88();
  let sandbox: SandboxPsp;
  let nestApp: CompiledNestApp;
  let worker: CompiledApp;
  let gateway: CompiledApp;
  let prometheus: DisposablePrometheus;
  let seeded: { gameCode: string; userIds: string[]; paymentPlayers: { email: string }[] };

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: 'clt_dashboards', name: 'Dashboards', category: 'slots' }];
    const sandboxPort = await freePort();
    sandbox = buildSandboxPsp(
      loadSandboxConfig({
        SANDBOX_PSP_PORT: String(sandboxPort),
        SANDBOX_PSP_API_KEY: SANDBOX_KEY,
        SANDBOX_PSP_WEBHOOK_SECRET: SANDBOX_SECRET,
        SANDBOX_PSP_WEBHOOK_DELAY_MS: '10',
      }),
    );
    const sandboxUrl = await sandbox.app.listen({ host: '127.0.0.1', port: sandboxPort });
    nestApp = await CompiledNestApp.start(id, {
      ...hub88.settings(),
      API_TRUSTED_PROXIES: '127.0.0.1',
      AUTH_CODE_RATE_LIMIT_PER_IP: String(CODE_REQUESTS_PER_IP),
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
      GAME_KYC_DEPOSIT_THRESHOLD: '1000000000',
      SANDBOX_PSP_URL: sandboxUrl,
      SANDBOX_PSP_API_KEY: SANDBOX_KEY,
      SANDBOX_PSP_WEBHOOK_SECRET: SANDBOX_SECRET,
      PAYMENT_RECONCILIATION_INTERVAL_SECONDS: '0',
      PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS: '0',
      PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS: '0',
      ADMIN_EMAIL: uniqueEmail('admin'),
    });
    const [started, output] = await Promise.all([
      CompiledApp.start(WORKER_ETL, id, { ETL_BATCH_MAX_WAIT_MS: '1000', REPORT_EXPORTS_ENABLED: 'false' }),
      nestApp.runCli('wallet-bench-seed', ['--players', '1', '--payment-players', '1']),
    ]);
    worker = started;
    const line = output.split('\n').find((candidate) => candidate.startsWith('{"seeded"')) ?? '{}';
    seeded = (JSON.parse(line) as { seeded: typeof seeded }).seeded;
    gateway = await CompiledApp.start(GATEWAY, id, {
      GATEWAY_UPSTREAMS: nestApp.origin,
      GATEWAY_LIMIT_SIGN_IN_PER_IP: `${SIGN_IN_PER_IP}/60`,
    });
    sandbox.webhooks.setWebhookUrl(`${gateway.origin}/api/v1/payments/webhooks/sandbox`);
    const [nestJob, workerJob, gatewayJob] = shippedJobs();
    prometheus = await DisposablePrometheus.start(
      [
        { job: nestJob ?? '', targets: [new URL(nestApp.origin).host] },
        { job: workerJob ?? '', targets: [new URL(worker.origin).host] },
        { job: gatewayJob ?? '', targets: [new URL(gateway.origin).host] },
      ],
      SCRAPE_SECONDS,
    );
  }, 150_000);

  afterAll(async () => {
    await prometheus?.dispose();
    await gateway?.stop();
    await worker?.stop();
    await nestApp?.stop();
    await sandbox?.app.close();
    await hub88.stop();
    await disposeIsolatedResources(id, loadGatewayConfig({}));
  });

  it('scrapes the jobs of ops/prometheus/prometheus.yml', () => {
    expect(shippedJobs()).toEqual(['nest-app', 'worker-etl', 'gateway']);
  });

  it('each dashboard reads its Prometheus through a datasource variable, with a unique uid', () => {
    const dashboards = loadDashboards();
    expect(new Set(dashboards.map((dashboard) => dashboard.uid)).size).toBe(dashboards.length);
    for (const dashboard of dashboards) {
      expect(dashboard.templating.list).toContainEqual(
        expect.objectContaining({ name: 'datasource', type: 'datasource' }),
      );
      const panels = panelsOf(dashboard).filter((panel) => panel.type !== 'row');
      const off = panels.filter(
        (panel) => panel.datasource?.uid !== '${datasource}' || (panel.targets ?? []).length === 0,
      );
      expect({ file: dashboard.file, off: off.map((panel) => panel.title) }).toEqual({ file: dashboard.file, off: [] });
    }
  });

  it('every panel query of every dashboard answers a series after the demo load', async () => {
    const player = new DemoClient(gateway.origin);
    const token = await signInByEmail(player, seeded.paymentPlayers[0]?.email ?? '');
    await depositThroughSandbox(player, token, gateway.origin);
    await forgedSandboxWebhook(player);
    await hub88Round(player, hub88, { userId: seeded.userIds[0] ?? '', gameCode: seeded.gameCode });
    await abuse(new DemoClient(gateway.origin, '127.0.0.2'), CODE_REQUESTS_PER_IP, SIGN_IN_PER_IP);

    const dashboards = loadDashboards();
    expect(dashboards.map((dashboard) => dashboard.file)).toEqual([
      'money-flow.json',
      'pipelines.json',
      'platform-overview.json',
      'security.json',
    ]);
    const queries = dashboards.flatMap((dashboard) => queriesOf(dashboard, SCRAPE_SECONDS));
    expect(queries.length).toBeGreaterThanOrEqual(40);
    // The pipelines (outbox relay, JetStream, worker-etl's batches) finish a moment after the calls answered.
    let missing: PanelQuery[] = queries;
    await prometheus.scrapedAgain(3);
    await eventually(
      async () => {
        missing = await unanswered(prometheus, missing);
        return missing.length === 0;
      },
      30_000,
      1000,
    ).catch(() => undefined);
    expect(missing).toEqual([]);
  }, 120_000);
});

/** A query Prometheus answered with no series, or refused (its error). */
interface Unanswered extends PanelQuery {
  answer: string;
}

async function unanswered(prometheus: DisposablePrometheus, queries: PanelQuery[]): Promise<Unanswered[]> {
  const found: Unanswered[] = [];
  for (const query of queries) {
    const answer = await prometheus.query(query.expr).then(
      (series) => (series.length === 0 ? 'no series' : null),
      (error: unknown) => String(error),
    );
    if (answer !== null) found.push({ ...query, answer });
  }
  return found;
}
