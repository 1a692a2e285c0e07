import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { ManualClock } from '../../src/common/time/clock';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { SeamlessGateway } from '../../src/modules/game/seamless/seamless-gateway';
import { WalletVerifier } from '../../src/modules/wallet/wallet.verifier';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { FakeHub88 } from './support/fake-hub88';
import { availableOf, newPlayer, startGameTestApp } from './support/game-test-app';
import { Hub88Client, type Hub88Answer } from './support/hub88-client';

/**
 * PostgreSQL unreachable for the app (its scratch database refuses connections and its backends are terminated,
 * as `npm run chaos` does): every Hub88 wallet call answers HTTP 200 `RS_ERROR_UNKNOWN` with its `request_uuid`
 * (reference §0 and §1.3: a non-200 is a transport failure), and the provider's retry after recovery applies once.
 */
const GAME = 'clt_outage';
const EUR = (units: number): number => units * 100_000;
/** Past the providers registry's cache (5 s): the call must read the registry from the database. */
const PAST_PROVIDER_CACHE_MS = 6_000;

describe('Hub88 seamless wallet while PostgreSQL is unreachable (e2e)', () => {
  const hub88 = new FakeHub88();
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clock: ManualClock;
  let client: Hub88Client;
  let db: DataSource;
  let admin: Client;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: GAME, name: 'Outage', category: 'slots' }];
    environment = await createTestEnvironment('game-db-outage', {
      ...hub88.settings(),
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    });
    ({ app, clock } = await startGameTestApp(environment.config));
    client = new Hub88Client(app, hub88);
    db = app.get(DataSource);
    await app.get(CatalogSyncService).syncAll();
    const url = new URL(environment.config.DATABASE_URL);
    url.pathname = '/postgres';
    admin = new Client({ connectionString: url.toString() });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${environment.id} CONNECTION LIMIT -1`).catch(() => undefined);
    await admin?.end();
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  /** The scratch database refuses new connections and every connection of the app to it is cut. */
  async function cutDatabase(): Promise<void> {
    await admin.query(`ALTER DATABASE ${environment.id} CONNECTION LIMIT 0`);
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [environment.id],
    );
  }

  async function restoreDatabase(): Promise<void> {
    await admin.query(`ALTER DATABASE ${environment.id} CONNECTION LIMIT -1`);
  }

  async function playing(label: string): Promise<{ userId: string; token: string }> {
    const player = await newPlayer(app, label, 10_000n);
    const [game] = (await db.query(`SELECT id FROM games WHERE game_code = $1`, [GAME])) as { id: string }[];
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${game?.id}/launch`,
      headers: player.headers,
      payload: { mode: 'real', platform: 'desktop' },
    });
    expect(response.statusCode).toBe(200);
    return { userId: player.userId, token: hub88.tokenOf(player.userId) };
  }

  function bet(player: { userId: string; token: string }, transactionUuid = randomUUID()): Record<string, unknown> {
    return {
      request_uuid: randomUUID(),
      user: player.userId,
      transaction_uuid: transactionUuid,
      supplier_transaction_id: `s-${transactionUuid}`,
      token: player.token,
      round: `r-${transactionUuid}`,
      round_closed: false,
      is_free: false,
      game_code: GAME,
      currency: 'EUR',
      amount: EUR(1),
    };
  }

  function expectUnknown(answer: Hub88Answer, body: Record<string, unknown>): void {
    expect(answer).toEqual({
      httpStatus: 200,
      body: { status: 'RS_ERROR_UNKNOWN', request_uuid: body['request_uuid'], user: body['user'] },
    });
  }

  interface FailureLine {
    errorCode?: string;
    operation?: string;
    cause?: string;
    dependency?: string;
  }

  /** Records every error line of the app's loggers until `stop`; `failures` are the wallet-call failure lines. */
  function recordErrors(): { all: unknown[][]; failures: () => FailureLine[]; stop: () => void } {
    const all: unknown[][] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((...args: unknown[]) => {
      all.push(args);
    });
    return {
      all,
      failures: () =>
        all
          .map(([entry]) => entry as FailureLine)
          .filter((entry) => entry?.errorCode === 'PROVIDER_WALLET_CALL_FAILED'),
      stop: () => spy.mockRestore(),
    };
  }

  async function ledgerBetsOf(transactionUuid: string): Promise<number> {
    const rows = (await db.query(
      `SELECT count(*)::int AS count FROM ledger_transactions WHERE idempotency_scope = 'game:hub88'
          AND idempotency_key = $1`,
      [transactionUuid],
    )) as { count: number }[];
    return rows[0]?.count ?? -1;
  }

  it.each([
    ['the provider registry cached', 0],
    ['the provider registry read from the database', PAST_PROVIDER_CACHE_MS],
  ])(
    'answers every wallet call RS_ERROR_UNKNOWN with %s, logged once without secrets; the retried bet applies once',
    async (_label, advanceMs) => {
      const player = await playing(`outage-${advanceMs}`);
      const placed = bet(player);
      const calls: [string, Record<string, unknown>][] = [
        ['transaction/bet', placed],
        ['user/balance', { request_uuid: randomUUID(), user: player.userId, token: player.token, game_code: GAME }],
        ['user/info', { request_uuid: randomUUID(), user: player.userId }],
        [
          'transaction/win',
          { ...bet(player), reference_transaction_uuid: placed['transaction_uuid'], round: placed['round'] },
        ],
        [
          'transaction/rollback',
          {
            request_uuid: randomUUID(),
            user: player.userId,
            token: player.token,
            transaction_uuid: randomUUID(),
            reference_transaction_uuid: placed['transaction_uuid'],
            round: placed['round'],
            round_closed: true,
            game_code: GAME,
          },
        ],
      ];
      // Warms the registry cache: the first case's calls then fail in the wallet, the second's in the registry.
      expect((await client.call('user/balance', calls[1]![1])).body.status).toBe('RS_OK');
      const errors = recordErrors();
      await cutDatabase();
      clock.advance(advanceMs);
      try {
        for (const [path, body] of calls) expectUnknown(await client.call(path, body), body);
      } finally {
        await restoreDatabase();
        clock.advance(-advanceMs);
        errors.stop();
      }
      const logged = errors.failures();
      expect(logged).toHaveLength(calls.length);
      expect(logged.map((line) => line.operation)).toEqual(calls.map(([path]) => path));
      // Named as a dependency out of reach, not a bug: PostgreSQL's 53300 or 57P01, or a socket the server reset.
      for (const line of logged) expect(['postgres', 'network']).toContain(line.dependency);
      const text = JSON.stringify(errors.all);
      expect(text).not.toContain(player.token);
      expect(text).not.toContain(new URL(environment.config.DATABASE_URL).password);

      // The provider retries the same call: RS_OK and one debit, however often it is sent again.
      expect(await availableOf(app, player.userId)).toBe(10_000n);
      const retried = await client.call('transaction/bet', placed);
      expect(retried).toMatchObject({ httpStatus: 200, body: { status: 'RS_OK', balance: EUR(99) } });
      const again = await client.call('transaction/bet', placed);
      expect(again).toMatchObject({ httpStatus: 200, body: { status: 'RS_OK', balance: EUR(99) } });
      expect(await availableOf(app, player.userId)).toBe(9_900n);
      expect(await ledgerBetsOf(String(placed['transaction_uuid']))).toBe(1);
      expect((await app.get(WalletVerifier).verify()).ok).toBe(true);
    },
  );

  it('answers RS_ERROR_UNKNOWN for a failure outside the gateway too, logged once', async () => {
    const player = await playing('escape');
    const body = bet(player);
    const gateway = app.get(SeamlessGateway);
    const errors = recordErrors();
    const handle = jest.spyOn(gateway, 'handle').mockRejectedValueOnce(new TypeError('secret-laden message'));
    try {
      expectUnknown(await client.call('transaction/bet', body), body);
    } finally {
      handle.mockRestore();
      errors.stop();
    }
    const logged = errors.failures();
    expect(logged).toEqual([expect.objectContaining({ operation: 'transaction/bet', cause: 'TypeError' })]);
    expect(JSON.stringify(errors.all)).not.toContain('secret-laden');
    expect(await availableOf(app, player.userId)).toBe(10_000n);
  });

  it('keeps the known answers: an unknown provider code is still 404, a bad signature RS_ERROR_INVALID_SIGNATURE', async () => {
    const player = await playing('known');
    const body = bet(player);
    expect((await client.call('transaction/bet', body, { signature: 'nope' })).body).toMatchObject({
      status: 'RS_ERROR_INVALID_SIGNATURE',
      request_uuid: body['request_uuid'],
    });
    const unknown = await new Hub88Client(app, hub88, 'no-such-provider').call('transaction/bet', body);
    expect(unknown.httpStatus).toBe(404);
  });
});
