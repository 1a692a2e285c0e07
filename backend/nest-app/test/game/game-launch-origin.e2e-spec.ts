import { eventually } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { FakeHub88 } from './support/fake-hub88';
import { startGameTestApp } from './support/game-test-app';

/**
 * From a trusted proxy (here the test's peer) the client IP is what X-Forwarded-For says the proxy's peer was. A launch passes a real
 * address on to the provider and leaves `ip` out when the forwarded value is no address.
 */
describe('game launch origin behind a trusted proxy (e2e)', () => {
  const hub88 = new FakeHub88();
  let environment: TestEnvironment;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: 'origin_demo', name: 'Origin Demo', category: 'slots', demo_game_support: true }];
    environment = await createTestEnvironment('game-origin', { ...hub88.settings(), API_TRUSTED_PROXIES: '127.0.0.1' });
    ({ app } = await startGameTestApp(environment.config));
    await eventually(async () => (await gameId()) !== undefined, 15_000);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  async function gameId(): Promise<string | undefined> {
    const rows = (await app.get(DataSource).query(`SELECT id FROM games WHERE game_code = 'origin_demo'`)) as {
      id: string;
    }[];
    return rows[0]?.id;
  }

  async function launchFrom(forwardedFor: string): Promise<Record<string, unknown> | undefined> {
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${await gameId()}/launch`,
      headers: { 'x-forwarded-for': forwardedFor },
      payload: { mode: 'demo', platform: 'desktop', language: 'en' },
    });
    expect(response.statusCode).toBe(200);
    return hub88.launches[hub88.launches.length - 1]?.body;
  }

  it('sends the forwarded client address to the provider', async () => {
    expect(await launchFrom('198.51.100.44')).toMatchObject({ ip: '198.51.100.44' });
  });

  it('sends no ip at all when the forwarded "address" is not one', async () => {
    expect(await launchFrom('not-an-ip')).not.toHaveProperty('ip');
  });
});
