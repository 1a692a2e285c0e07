import { disposeIsolatedResources, uniqueTestId } from '@casino/platform/testing';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { CompiledNestApp } from './support/compiled-nest-app';
import { GatewayUnderTest } from './support/gateway-under-test';

const DRAIN_MS = 3000;

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * A rolling restart: one of two nest-app instances behind the gateway gets SIGTERM while requests flow. It answers
 * `/health/ready` with 503 at once, the gateway's checks take it out of rotation, it closes after its drain time and
 * exits 0 — and no request fails. The requests are POSTs, which the gateway never retries on another instance, so
 * a request sent to a closed instance would show as a failure here.
 */
describe('draining a nest-app instance behind the gateway (e2e)', () => {
  const id = uniqueTestId('gwdrain');
  let first: CompiledNestApp;
  let second: CompiledNestApp;
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    const settings = { API_TRUSTED_PROXIES: '127.0.0.1', API_SHUTDOWN_DRAIN_MS: String(DRAIN_MS) };
    first = await CompiledNestApp.start(id, settings);
    second = await CompiledNestApp.start(id, settings, first);
    gateway = await GatewayUnderTest.start(id, {
      GATEWAY_UPSTREAMS: `${first.origin},${second.origin}`,
      // Interval plus timeout well under the drain time.
      GATEWAY_HEALTH_CHECK_INTERVAL_MS: '300',
      GATEWAY_HEALTH_CHECK_TIMEOUT_MS: '500',
      GATEWAY_LIMIT_API_PER_IP: '1000000/60',
    });
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    await second?.stop();
    await first?.stop();
    await disposeIsolatedResources(id, loadGatewayConfig({}));
  });

  it('takes a SIGTERMed instance out of rotation before it closes: every request in the flow is answered by nest-app', async () => {
    const statuses: number[] = [];
    const failures: string[] = [];
    let flowing = true;
    // Unauthenticated: nest-app itself answers 401 UNAUTHENTICATED, a 5xx would be the gateway's (no instance).
    const worker = async (): Promise<void> => {
      while (flowing) {
        const response = await gateway.send('POST', '/api/v1/payments/deposits', {
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        statuses.push(response.status);
        if (response.status >= 500) failures.push(response.text);
      }
    };
    const workers = Array.from({ length: 4 }, () => worker());
    await until(async () => statuses.length >= 20, 30_000);

    const exited = second.signal('SIGTERM');
    await until(async () => (await fetch(`${second.origin}/health/ready`)).status === 503, 2000);
    const exitCode = await exited;
    const answeredWhenExited = statuses.length;
    // The flow goes on through the remaining instance.
    await until(async () => statuses.length >= answeredWhenExited + 20, 30_000);
    flowing = false;
    await Promise.all(workers);

    expect(exitCode).toBe(0);
    expect(failures).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([401]));
  }, 120_000);
});
