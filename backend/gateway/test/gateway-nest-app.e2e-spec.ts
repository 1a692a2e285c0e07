import { disposeIsolatedResources, uniqueTestId } from '@casino/platform/testing';
import { createHmac } from 'node:crypto';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { CompiledNestApp } from './support/compiled-nest-app';
import { GatewayUnderTest } from './support/gateway-under-test';

const WEBHOOK_SECRET = 'whsec_gateway_suite_sandbox';

/** A Stripe-style signature (`t=<seconds>,v1=<HMAC-SHA256 of "t.body">`) over exactly these bytes. */
function signatureOf(body: Buffer, timestamp = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', WEBHOOK_SECRET)
    .update(Buffer.concat([Buffer.from(`${timestamp}.`), body]))
    .digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

describe('gateway in front of the compiled nest-app (e2e)', () => {
  const id = uniqueTestId('gwnestapp');
  let nestApp: CompiledNestApp;
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    nestApp = await CompiledNestApp.start(id, {
      API_TRUSTED_PROXIES: '127.0.0.1',
      SANDBOX_PSP_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    gateway = await GatewayUnderTest.start(id, { GATEWAY_UPSTREAMS: nestApp.origin });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await nestApp?.stop();
    await disposeIsolatedResources(id, loadGatewayConfig({}));
  });

  // Odd whitespace and key order: a body parsed and written again would no longer match its signature.
  const body = Buffer.from(
    `{ "type":"charge.updated",\n  "id" : "evt_gateway_1", "created": ${Math.floor(Date.now() / 1000)}, "data":{"object":{"object":"charge","id":"ch_1"}} }`,
  );

  it('passes a signed PSP webhook byte for byte: nest-app verifies its signature over the raw body', async () => {
    const response = await gateway.send('POST', '/api/v1/payments/webhooks/sandbox', {
      headers: { 'content-type': 'application/json', 'stripe-signature': signatureOf(body) },
      body,
    });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ received: true, duplicate: false });
  });

  it('records the peer address as the client IP of a refused webhook, not a forged X-Forwarded-For entry', async () => {
    const forged = Buffer.from(body.toString().replace('evt_gateway_1', 'evt_gateway_2'));
    const response = await gateway.send('POST', '/api/v1/payments/webhooks/sandbox', {
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signatureOf(body),
        'x-forwarded-for': '203.0.113.9',
        'x-request-id': 'gateway-suite-forged-1',
      },
      body: forged,
      // From 127.0.0.2: nest-app trusts only the gateway's 127.0.0.1.
      fromAddress: '127.0.0.2',
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'PAYMENT_WEBHOOK_SIGNATURE_INVALID' },
      requestId: 'gateway-suite-forged-1',
    });
    const rows = await nestApp.query<{ ip: string }>(
      "SELECT host(ip) AS ip FROM payment_security_events WHERE request_id = 'gateway-suite-forged-1'",
    );
    expect(rows).toEqual([{ ip: '127.0.0.2' }]);
  });

  it('serves the API documentation through the gateway', async () => {
    const response = await gateway.send('GET', '/docs-json');
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ info: { title: 'Casino operator API' } });
  });
});
