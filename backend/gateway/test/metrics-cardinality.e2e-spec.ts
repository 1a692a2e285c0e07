import { highCardinalityLabels } from '@casino/platform';
import { disposeIsolatedResources, uniqueTestId } from '@casino/platform/testing';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { alertMetricNames } from './support/alert-metric-names';
import { CompiledNestApp } from './support/compiled-nest-app';
import { CompiledApp, WORKER_ETL } from './support/compiled-app';
import { GatewayUnderTest } from './support/gateway-under-test';

async function metricsOf(origin: string): Promise<string> {
  const response = await fetch(`${origin}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/**
 * Each app in its own process (its own registry), traffic through the gateway that carries what must never become a
 * label: ids in paths, client addresses, email addresses, a provider's transaction ids.
 */
describe('metrics of nest-app, worker-etl and the gateway carry no high-cardinality label (e2e)', () => {
  const id = uniqueTestId('metricscard');
  let nestApp: CompiledNestApp;
  let worker: CompiledApp;
  let gateway: GatewayUnderTest;
  let scraped: Record<'nest-app' | 'worker-etl' | 'gateway', string>;

  beforeAll(async () => {
    nestApp = await CompiledNestApp.start(id, { API_TRUSTED_PROXIES: '127.0.0.1' });
    worker = await CompiledApp.start(WORKER_ETL, id);
    gateway = await GatewayUnderTest.start(id, { GATEWAY_UPSTREAMS: nestApp.origin });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await worker?.stop();
    await nestApp?.stop();
    await disposeIsolatedResources(id, loadGatewayConfig({}));
  });

  it('after sign-ins, refused webhooks and wallet calls, unknown ids in paths and forwarded addresses', async () => {
    for (let client = 1; client <= 5; client += 1) {
      const headers = { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${client}` };
      const email = `player-${randomUUID()}@example.test`;
      await gateway.send('POST', '/api/v1/auth/email/start', { headers, body: JSON.stringify({ email }) });
      await gateway.send('POST', '/api/v1/auth/email/verify', {
        headers,
        body: JSON.stringify({ email, code: '000000' }),
      });
      await gateway.send('GET', `/api/v1/payments/${randomUUID()}`, { headers });
      await gateway.send('GET', `/api/v1/no-such-route/${1_000_000_000 + client}`, { headers });
      await gateway.send('POST', '/api/v1/payments/webhooks/sandbox', {
        headers: { ...headers, 'stripe-signature': `t=1,v1=${'0'.repeat(64)}` },
        body: JSON.stringify({ id: `evt_${randomUUID()}`, type: 'payment_intent.succeeded' }),
      });
      await gateway.send('POST', '/api/v1/providers/hub88/transaction/bet', {
        headers: { ...headers, 'x-hub88-signature': 'bad' },
        body: JSON.stringify({ transaction_uuid: randomUUID(), user: randomUUID(), amount: 100 }),
      });
    }

    scraped = {
      'nest-app': await metricsOf(nestApp.origin),
      'worker-etl': await metricsOf(worker.origin),
      gateway: await metricsOf(gateway.url),
    };
    // `upstream` is an instance of GATEWAY_UPSTREAMS (a setting, not traffic): its URL may name an address.
    for (const [app, text] of Object.entries(scraped))
      expect({ app, found: highCardinalityLabels(text, ['upstream']) }).toEqual({ app, found: [] });

    // The scan saw the series the traffic made, not an empty page.
    expect(scraped['nest-app']).toMatch(/^payment_webhook_signature_failures_total\{provider="sandbox"/m);
    expect(scraped['nest-app']).toMatch(/^api_error_responses_total\{code="UNAUTHENTICATED",status_code="401"\} 5/m);
    expect(scraped['nest-app']).toMatch(/^http_request_duration_seconds_count\{.*route="\/api\/v1\/payments\/:id"/m);
    expect(scraped['nest-app']).toMatch(/^outbox_pending_events \d+/m);
    expect(scraped['nest-app']).toMatch(/^bullmq_queue_jobs\{queue="mail",state="waiting"\}/m);
    expect(scraped['nest-app']).toMatch(/^readiness_probe_up\{probe="postgres"\} 1/m);
    expect(scraped['worker-etl']).toMatch(/^readiness_probe_up\{probe="etl_lag"\} 1/m);
    expect(scraped.gateway).toMatch(/^gateway_rate_limit_decisions_total\{/m);
  }, 60_000);

  it('exposes every metric the alert rules read (ops/prometheus/alerts.yml)', () => {
    const rules = readFileSync(resolve(__dirname, '..', '..', '..', 'ops', 'prometheus', 'alerts.yml'), 'utf8');
    const names = alertMetricNames(rules).filter((name) => name !== 'up'); // `up` is Prometheus's own
    expect(names.length).toBeGreaterThanOrEqual(6);
    const exposed = Object.values(scraped).join('\n');
    expect(names.filter((name) => !exposed.includes(`# TYPE ${name} `))).toEqual([]);
  });
});
