import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { signActions } from '../../src/modules/game/actions/actions-signature';
import { GamesRepository } from '../../src/modules/game/catalog/games.repository';
import { ProvidersService } from '../../src/modules/game/providers/providers.service';
import { WalletVerifier } from '../../src/modules/wallet/wallet.verifier';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { availableOf, newPlayer, startGameTestApp } from './support/game-test-app';

const SECRET = 'bgaming-like-shared-secret-0123';

/** The second protocol (action batches, HMAC-SHA256) through the same adapter interface and core. */
describe('action-batch protocol (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let gameId: string;

  beforeAll(async () => {
    environment = await createTestEnvironment('game-actions', { GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0' });
    ({ app } = await startGameTestApp(environment.config));
    const provider = await app.get(ProvidersService).create(
      {
        code: 'bgaming',
        name: 'BGaming-like',
        protocol: 'actions',
        apiBaseUrl: 'https://games.bgaming.test',
        currencies: ['EUR'],
        credentials: { hmacSecret: SECRET },
      },
      { user: null },
    );
    await app.get(GamesRepository).upsertFromProvider(provider.id, 'bgaming', [
      {
        gameCode: 'elvis_frog',
        title: 'Elvis Frog',
        category: 'slots',
        rtp: '96.00',
        volatility: 'high',
        features: [],
        thumbnailUrl: null,
        blockedCountries: [],
        demoAvailable: true,
        enabled: true,
      },
    ]);
    gameId =
      (await app.inject({ method: 'GET', url: '/api/v1/games?provider=bgaming' })).json<{ items: { id: string }[] }>()
        .items[0]?.id ?? '';
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  async function session(deposit: bigint): Promise<{ userId: string; token: string }> {
    const player = await newPlayer(app, 'actions', deposit);
    const launched = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${gameId}/launch`,
      headers: player.headers,
      payload: { mode: 'real', platform: 'desktop' },
    });
    const url = new URL(launched.json<{ url: string }>().url);
    return { userId: player.userId, token: url.searchParams.get('session_id') ?? '' };
  }

  async function play(body: Record<string, unknown>, secret = SECRET) {
    const raw = JSON.stringify(body);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/providers/bgaming/play',
      headers: { 'content-type': 'application/json', 'x-request-sign': signActions(raw, secret) },
      payload: raw,
    });
    return {
      status: response.statusCode,
      body: response.json<{ balance?: number; code?: number; transactions?: unknown[] }>(),
    };
  }

  it('applies a bet and its win in one call, idempotently, and closes the round', async () => {
    const player = await session(5_000n);
    const round = randomUUID();
    const call = {
      session_id: player.token,
      user_id: player.userId,
      currency: 'EUR',
      game: 'elvis_frog',
      game_id: round,
      finished: true,
      actions: [
        { action: 'bet', action_id: randomUUID(), amount: 200 },
        { action: 'win', action_id: randomUUID(), amount: 350 },
      ],
    };
    expect(await play(call)).toMatchObject({ status: 200, body: { balance: 5_150 } });
    expect(await play(call)).toMatchObject({ status: 200, body: { balance: 5_150 } });
    expect(await availableOf(app, player.userId)).toBe(5_150n);
    expect((await play({ ...call, actions: [] })).body.balance).toBe(5_150);
  });

  it('rolls back a bet, refuses a bad signature and answers 412 with the balance when funds are short', async () => {
    const player = await session(1_000n);
    const base = {
      session_id: player.token,
      user_id: player.userId,
      currency: 'EUR',
      game: 'elvis_frog',
      game_id: randomUUID(),
    };
    const betId = randomUUID();
    expect((await play({ ...base, actions: [{ action: 'bet', action_id: betId, amount: 400 }] })).body.balance).toBe(
      600,
    );
    const rolled = await play({
      ...base,
      actions: [{ action: 'rollback', action_id: randomUUID(), original_action_id: betId }],
    });
    expect(rolled).toMatchObject({ status: 200, body: { balance: 1_000 } });
    const forged = await play(
      { ...base, actions: [{ action: 'win', action_id: randomUUID(), amount: 9_999 }] },
      'not-the-secret-at-all',
    );
    expect(forged).toMatchObject({ status: 403, body: { code: 403 } });
    const short = await play({ ...base, actions: [{ action: 'bet', action_id: randomUUID(), amount: 1_001 }] });
    expect(short).toMatchObject({ status: 412, body: { code: 100, balance: 1_000 } });
    expect(await availableOf(app, player.userId)).toBe(1_000n);
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
  });
});
