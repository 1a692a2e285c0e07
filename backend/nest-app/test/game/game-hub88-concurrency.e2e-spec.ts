import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { WalletVerifier } from '../../src/modules/wallet/wallet.verifier';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { FakeHub88 } from './support/fake-hub88';
import { availableOf, newPlayer, startGameTestApp } from './support/game-test-app';
import { Hub88Client } from './support/hub88-client';

/** Reference §7.9: parallel bets must not overdraw; parallel duplicates of one transaction_uuid apply once. */
const GAME = 'clt_concurrency';

describe('Hub88 seamless wallet under concurrency (e2e)', () => {
  const hub88 = new FakeHub88();
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let client: Hub88Client;
  let db: DataSource;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: GAME, name: 'Concurrency', category: 'slots' }];
    environment = await createTestEnvironment('game-concurrency', {
      ...hub88.settings(),
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    });
    ({ app } = await startGameTestApp(environment.config));
    client = new Hub88Client(app, hub88);
    db = app.get(DataSource);
    await app.get(CatalogSyncService).syncAll();
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  async function playing(
    label: string,
    deposit: bigint,
  ): Promise<{ userId: string; token: string; headers: Record<string, string> }> {
    const player = await newPlayer(app, label, deposit);
    const [game] = (await db.query(`SELECT id FROM games WHERE game_code = $1`, [GAME])) as { id: string }[];
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${game?.id}/launch`,
      headers: player.headers,
      payload: { mode: 'real', platform: 'mobile' },
    });
    expect(response.statusCode).toBe(200);
    return { userId: player.userId, token: hub88.tokenOf(player.userId), headers: player.headers };
  }

  function bet(
    player: { userId: string; token: string },
    transactionUuid: string,
    amount: number,
  ): Record<string, unknown> {
    return {
      user: player.userId,
      transaction_uuid: transactionUuid,
      supplier_transaction_id: `s-${transactionUuid}`,
      token: player.token,
      round: `r-${transactionUuid}`,
      is_free: false,
      game_code: GAME,
      currency: 'EUR',
      amount,
    };
  }

  it('applies 50 concurrent bets with duplicates mixed in exactly once each, without overdraft', async () => {
    const player = await playing('fifty', 3_000n); // €30.00
    const unique = Array.from({ length: 40 }, () => randomUUID());
    const duplicates = Array.from({ length: 10 }, (_, index) => unique[index * 3] ?? '');
    const calls = [...unique, ...duplicates]
      .sort(() => Math.random() - 0.5)
      .map((id) => client.call('transaction/bet', bet(player, id, 100_000))); // €1.00 each
    const answers = await Promise.all(calls);

    expect(answers.every((answer) => answer.httpStatus === 200)).toBe(true);
    const statuses = answers.map((answer) => answer.body.status);
    expect(statuses.every((status) => status === 'RS_OK' || status === 'RS_ERROR_NOT_ENOUGH_MONEY')).toBe(true);
    expect(answers.every((answer) => typeof answer.body.balance === 'number' && answer.body.balance >= 0)).toBe(true);

    const applied = (await db.query(
      `SELECT count(*)::int AS count FROM ledger_transactions WHERE type = 'bet' AND idempotency_scope = 'game:hub88'
          AND wallet_id IN (SELECT id FROM wallets WHERE user_id = $1)`,
      [player.userId],
    )) as { count: number }[];
    expect(applied[0]?.count).toBe(30);
    expect(await availableOf(app, player.userId)).toBe(0n);
    const rows = (await db.query(
      `SELECT status, count(*)::int AS count FROM game_transactions WHERE user_id = $1 GROUP BY status ORDER BY status`,
      [player.userId],
    )) as { status: string; count: number }[];
    expect(rows).toEqual([
      { status: 'applied', count: 30 },
      { status: 'refused', count: 10 },
    ]);
    // Every duplicate answered what its original answered.
    for (const id of duplicates) {
      const row = (await db.query(`SELECT status FROM game_transactions WHERE external_id = $1`, [id])) as {
        status: string;
      }[];
      const expected = row[0]?.status === 'applied' ? 'RS_OK' : 'RS_ERROR_NOT_ENOUGH_MONEY';
      const again = await client.call('transaction/bet', bet(player, id, 100_000));
      expect(again.body.status).toBe(expected);
    }
  });

  it('moves no money for a bet whose row another driver ended while its money was on the way', async () => {
    const player = await playing('lost-race', 1_000n);
    const id = randomUUID();
    const wallets = app.get(WalletService);
    const placeBet = wallets.placeBet.bind(wallets);
    // The window between claim and ledger, made deterministic: another driver (a retry driving a stale row)
    // records the row's end first, as a refusal.
    const spy = jest.spyOn(wallets, 'placeBet').mockImplementationOnce(async (input, attachment) => {
      await db.query(
        `UPDATE game_transactions SET status = 'refused', failure = 'NOT_ENOUGH_MONEY' WHERE external_id = $1`,
        [id],
      );
      return placeBet(input, attachment);
    });
    try {
      const answer = await client.call('transaction/bet', bet(player, id, 200_000));
      expect(answer).toMatchObject({ httpStatus: 200, body: { status: 'RS_ERROR_NOT_ENOUGH_MONEY' } });
      expect(await availableOf(app, player.userId)).toBe(1_000n);
      const moved = (await db.query(
        `SELECT count(*)::int AS count FROM ledger_transactions WHERE idempotency_scope = 'game:hub88'
            AND idempotency_key = $1`,
        [id],
      )) as { count: number }[];
      expect(moved[0]?.count).toBe(0);
      const retry = await client.call('transaction/bet', bet(player, id, 200_000));
      expect(retry.body.status).toBe('RS_ERROR_NOT_ENOUGH_MONEY');
      expect(await availableOf(app, player.userId)).toBe(1_000n);
    } finally {
      spy.mockRestore();
    }
    const verified = await app.get(WalletVerifier).verify();
    expect(verified.ok).toBe(true);
  });

  it('lets a retry drive a bet whose request died after its claim, moving its money once', async () => {
    const player = await playing('stale-row', 1_000n);
    const id = randomUUID();
    const wallets = app.get(WalletService);
    // The request dies between its claim and the wallet (a crash, a lost connection): the row stays pending.
    const spy = jest.spyOn(wallets, 'placeBet').mockRejectedValueOnce(new Error('process died'));
    try {
      expect((await client.call('transaction/bet', bet(player, id, 200_000))).body.status).toBe('RS_ERROR_UNKNOWN');
    } finally {
      spy.mockRestore();
    }
    const statusOf = async (): Promise<string | undefined> => {
      const rows = (await db.query(`SELECT status FROM game_transactions WHERE external_id = $1`, [id])) as {
        status: string;
      }[];
      return rows[0]?.status;
    };
    expect(await statusOf()).toBe('pending');
    // Older than STALE_PENDING_MS: the next request for it drives it itself.
    await db.query(`UPDATE game_transactions SET updated_at = now() - interval '20 seconds' WHERE external_id = $1`, [
      id,
    ]);
    const answers = await Promise.all([1, 2].map(() => client.call('transaction/bet', bet(player, id, 200_000))));
    expect(answers.map((answer) => answer.body.status)).toEqual(['RS_OK', 'RS_OK']);
    expect(await statusOf()).toBe('applied');
    expect(await availableOf(app, player.userId)).toBe(800n);
    expect((await app.get(WalletVerifier).verify()).ok).toBe(true);
  });

  it('takes a rolled-back bet or win off the responsible-gaming counters, with the money', async () => {
    const player = await playing('rg-rollback', 10_000n);
    const counters = async (): Promise<{ wagers: string; wins: string }> => {
      const rows = (await db.query(
        `SELECT sum(wagers)::text AS wagers, sum(wins)::text AS wins FROM rg_activity_daily WHERE user_id = $1`,
        [player.userId],
      )) as { wagers: string; wins: string }[];
      return rows[0] ?? { wagers: '0', wins: '0' };
    };
    const undo = (reference: string) => ({
      user: player.userId,
      transaction_uuid: randomUUID(),
      reference_transaction_uuid: reference,
      token: player.token,
      game_code: GAME,
    });
    const betId = randomUUID();
    const winId = randomUUID();
    expect((await client.call('transaction/bet', bet(player, betId, 300_000))).body.status).toBe('RS_OK');
    const win = { ...bet(player, winId, 100_000), round: `r-${betId}`, reference_transaction_uuid: betId };
    expect((await client.call('transaction/win', win)).body.status).toBe('RS_OK');
    expect(await counters()).toEqual({ wagers: '300', wins: '100' });

    expect((await client.call('transaction/rollback', undo(winId))).body.status).toBe('RS_OK');
    expect(await counters()).toEqual({ wagers: '300', wins: '0' });
    const retried = undo(betId);
    expect((await client.call('transaction/rollback', retried)).body.status).toBe('RS_OK');
    expect((await client.call('transaction/rollback', retried)).body.status).toBe('RS_OK');
    expect(await counters()).toEqual({ wagers: '0', wins: '0' });
    expect(await availableOf(app, player.userId)).toBe(10_000n);
  });

  it('lets concurrent bets pass a daily wager limit only as far as it goes', async () => {
    const player = await playing('wager-limit', 10_000n);
    const limited = await app.inject({
      method: 'PUT',
      url: '/api/v1/users/me/responsible-gaming',
      headers: player.headers,
      payload: { wagerDay: '1000', reason: 'budget' },
    });
    expect(limited.statusCode).toBe(200);
    // Ten €3.00 bets at once against a €10.00 daily wager limit: the gate alone would let them all read €0 used.
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => client.call('transaction/bet', bet(player, randomUUID(), 300_000))),
    );
    const statuses = answers.map((answer) => answer.body.status).sort();
    expect(statuses).toEqual([...Array(3).fill('RS_OK'), ...Array(7).fill('RS_ERROR_LIMIT_REACHED')].sort());
    expect(await availableOf(app, player.userId)).toBe(9_100n);
    const [counted] = (await db.query(`SELECT sum(wagers)::text AS wagers FROM rg_activity_daily WHERE user_id = $1`, [
      player.userId,
    ])) as { wagers: string }[];
    expect(counted?.wagers).toBe('900');
    expect((await app.get(WalletVerifier).verify()).ok).toBe(true);
  });

  it('refunds once when retries of one rollback arrive together', async () => {
    const player = await playing('rollback-retries', 10_000n);
    for (let index = 0; index < 10; index += 1) {
      const betId = randomUUID();
      expect((await client.call('transaction/bet', bet(player, betId, 300_000))).body.status).toBe('RS_OK');
      const undo = {
        user: player.userId,
        transaction_uuid: randomUUID(),
        reference_transaction_uuid: betId,
        token: player.token,
        game_code: GAME,
      };
      const answers = await Promise.all([1, 2, 3].map(() => client.call('transaction/rollback', undo)));
      expect(answers.map((answer) => answer.body.status)).toEqual(['RS_OK', 'RS_OK', 'RS_OK']);
      expect(await availableOf(app, player.userId)).toBe(10_000n);
    }
  });

  it('never credits a win after its bet was rolled back, whichever of the two racing calls wins', async () => {
    const player = await playing('race', 10_000n);
    let expected = 10_000n;
    for (let index = 0; index < 10; index += 1) {
      const betId = randomUUID();
      expect((await client.call('transaction/bet', bet(player, betId, 500_000))).body.status).toBe('RS_OK'); // €5
      expected -= 500n;
      const [win, undo] = await Promise.all([
        client.call('transaction/win', {
          ...bet(player, randomUUID(), 800_000),
          round: `r-${betId}`,
          reference_transaction_uuid: betId,
        }),
        client.call('transaction/rollback', {
          user: player.userId,
          transaction_uuid: randomUUID(),
          reference_transaction_uuid: betId,
          token: player.token,
          game_code: GAME,
        }),
      ]);
      if (win.body.status === 'RS_OK') expected += 800n;
      else expect(win.body.status).toBe('RS_ERROR_TRANSACTION_ROLLED_BACK');
      if (undo.body.status === 'RS_OK') expected += 500n;
      else expect(undo.body.status).toBe('RS_ERROR_UNKNOWN'); // a win still in flight: Hub88 retries the rollback
      expect(await availableOf(app, player.userId)).toBe(expected);
    }
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
  });
});
