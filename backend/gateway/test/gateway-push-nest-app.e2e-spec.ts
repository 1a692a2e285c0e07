import { disposeIsolatedResources, uniqueTestId } from '@casino/platform/testing';
import { createHash, createHmac, randomInt } from 'node:crypto';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { CompiledNestApp } from './support/compiled-nest-app';
import { GatewayUnderTest } from './support/gateway-under-test';
import { PushEventStream, PushSocket, RefusedUpgrade } from './support/push-client';

// Telegram's Login Widget check (/work/shared/reference/auth.md); a bot token of this suite only.
const BOT_TOKEN = '987654321:AAtestBotTokenForGatewayPushSuite_x1';
const SESSION_CHECK_INTERVAL_MS = 300;

function widgetPayload(id: number): Record<string, string | number> {
  const fields: Record<string, string> = {
    auth_date: String(Math.floor(Date.now() / 1000)),
    first_name: 'Push',
    id: String(id),
    username: `push${id}`,
  };
  const checkString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
  const hash = createHmac('sha256', createHash('sha256').update(BOT_TOKEN).digest()).update(checkString).digest('hex');
  return { ...fields, id, auth_date: Number(fields['auth_date']), hash };
}

describe('gateway live push with the compiled nest-app: its sessions, its logout (e2e)', () => {
  const id = uniqueTestId('gwpushnest');
  let nestApp: CompiledNestApp;
  let gateway: GatewayUnderTest;

  beforeAll(async () => {
    nestApp = await CompiledNestApp.start(id, { API_TRUSTED_PROXIES: '127.0.0.1', TELEGRAM_BOT_TOKEN: BOT_TOKEN });
    gateway = await GatewayUnderTest.start(id, {
      GATEWAY_UPSTREAMS: nestApp.origin,
      GATEWAY_PUSH_SESSION_CHECK_INTERVAL_MS: String(SESSION_CHECK_INTERVAL_MS),
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await nestApp?.stop();
    await disposeIsolatedResources(id, loadGatewayConfig({}));
  });

  it('opens streams with a token nest-app issued and closes them within the check interval of a logout', async () => {
    const signIn = await gateway.send('POST', '/api/v1/auth/telegram', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(widgetPayload(randomInt(1e9, 2e9))),
    });
    expect(signIn.status).toBe(200);
    const { accessToken } = signIn.json<{ accessToken: string }>();
    const socket = await PushSocket.open(gateway.url, accessToken);
    const stream = await PushEventStream.open(gateway.url, accessToken);

    const logout = await gateway.send('POST', '/api/v1/auth/logout', {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(logout.status).toBe(204);
    const loggedOutAt = Date.now();

    expect(await socket.untilClosed(3000)).toMatchObject({ code: 4403 });
    await stream.untilClosed(3000);
    expect((socket.closed?.at ?? 0) - loggedOutAt).toBeLessThan(SESSION_CHECK_INTERVAL_MS + 500);
    expect(socket.messages.at(-1)).toEqual({ type: 'stream.closed', reason: 'session_revoked' });
    expect(stream.messages.at(-1)).toEqual({ type: 'stream.closed', reason: 'session_revoked' });

    // The token has not expired, but its session has: no new stream.
    const again = await PushSocket.open(gateway.url, accessToken).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(RefusedUpgrade);
    expect((again as RefusedUpgrade).status).toBe(401);
  });
});
