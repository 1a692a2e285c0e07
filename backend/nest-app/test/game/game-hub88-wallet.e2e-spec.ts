import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { register, type Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import type { ManualClock } from '../../src/common/time/clock';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { RgSettingsService } from '../../src/modules/user/responsible-gaming/rg-settings.service';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { WalletVerifier } from '../../src/modules/wallet/wallet.verifier';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { FakeHub88 } from './support/fake-hub88';
import { availableOf, newPlayer, startGameTestApp, type TestPlayer } from './support/game-test-app';
import { Hub88Client } from './support/hub88-client';

/** Section 7 of ../shared/reference/hub88-wallet-api.md, end to end over HTTP against the real database. */
const GAME = 'clt_dragonrising';
const EUR = (units: number): number => units * 100_000; // Hub88 amounts are ×100000 (§2)

describe('Hub88 seamless wallet (e2e, reference §7)', () => {
  const hub88 = new FakeHub88();
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let clock: ManualClock;
  let client: Hub88Client;
  let db: DataSource;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [
      { game_code: GAME, name: 'Dragon Rising', category: 'slots', rtp: 96.5, volatility: 4, demo_game_support: true },
      { game_code: 'evo_baccarat', name: 'Baccarat', category: 'live' },
    ];
    environment = await createTestEnvironment('game-hub88', {
      ...hub88.settings(),
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    });
    ({ app, clock } = await startGameTestApp(environment.config));
    client = new Hub88Client(app, hub88);
    db = app.get(DataSource);
    await app.get(CatalogSyncService).syncAll();
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  async function gameId(code = GAME): Promise<string> {
    const rows = (await db.query(`SELECT id FROM games WHERE game_code = $1`, [code])) as { id: string }[];
    return rows[0]?.id ?? '';
  }

  /** A player with €100.00 who launched the game: what Hub88 knows of them is their id and the token. */
  async function playing(label: string, deposit = 10_000n): Promise<TestPlayer & { token: string }> {
    const player = await newPlayer(app, label, deposit);
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${await gameId()}/launch`,
      headers: player.headers,
      payload: { mode: 'real', platform: 'desktop', language: 'en' },
    });
    expect(response.statusCode).toBe(200);
    return { ...player, token: hub88.tokenOf(player.userId) };
  }

  function bet(
    player: { userId: string; token: string },
    fields: Record<string, unknown> = {},
  ): Record<string, unknown> {
    return {
      user: player.userId,
      transaction_uuid: randomUUID(),
      supplier_transaction_id: `sup-${randomUUID()}`,
      token: player.token,
      round: `round-${randomUUID()}`,
      round_closed: false,
      reward_uuid: null,
      is_free: false,
      game_code: GAME,
      currency: 'EUR',
      bet: null,
      amount: EUR(1),
      meta: null,
      ...fields,
    };
  }

  /** `game_wallet_call_refusals_total` of Hub88 bets refused with this neutral status. */
  async function refusedBets(status: string): Promise<number> {
    const metric = register.getSingleMetric('game_wallet_call_refusals_total') as Counter | undefined;
    const values = (await metric?.get())?.values ?? [];
    const labels = { protocol: 'hub88', operation: 'transaction/bet', status };
    return values.find((value) => JSON.stringify(value.labels) === JSON.stringify(labels))?.value ?? 0;
  }

  describe('§7.1 signatures', () => {
    it.each([
      ['missing', null],
      ['malformed', 'not//base64=='],
      ['made with another key', 'foreign'],
      ['over a body changed after signing', 'changed'],
    ])(
      'answers RS_ERROR_INVALID_SIGNATURE with request_uuid when the signature is %s, and moves no money',
      async (_label, kind) => {
        const player = await playing('sig');
        const refusedBefore = await refusedBets('INVALID_SIGNATURE');
        const body: Record<string, unknown> = { ...bet(player), request_uuid: randomUUID() };
        const raw = JSON.stringify(body);
        const options =
          kind === 'foreign'
            ? { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }
            : kind === 'changed'
              ? { signature: hub88.sign(raw), rawOverride: raw.replace(`"amount":${EUR(1)}`, `"amount":${EUR(2)}`) }
              : { signature: kind };
        const answer = await client.call('transaction/bet', body, options);
        expect(answer.httpStatus).toBe(200);
        expect(answer.body).toMatchObject({ status: 'RS_ERROR_INVALID_SIGNATURE', request_uuid: body.request_uuid });
        expect(await availableOf(app, player.userId)).toBe(10_000n);
        expect(await refusedBets('INVALID_SIGNATURE')).toBe(refusedBefore + 1);
      },
    );
  });

  it('§7.2 /user/info with user only: RS_OK, the same user, a 2-letter country', async () => {
    const player = await playing('info');
    const answer = await client.call('user/info', { user: player.userId });
    expect(answer.httpStatus).toBe(200);
    expect(answer.body).toMatchObject({ status: 'RS_OK', user: player.userId });
    expect(answer.body.country).toMatch(/^[A-Z]{2}$/);
  });

  describe('§7.3 balance', () => {
    it('answers an integer balance ×100000 for a valid token', async () => {
      const player = await playing('balance');
      const answer = await client.call('user/balance', { user: player.userId, token: player.token, game_code: GAME });
      expect(answer.body).toMatchObject({ status: 'RS_OK', user: player.userId, currency: 'EUR', balance: EUR(100) });
      expect(Number.isInteger(answer.body.balance)).toBe(true);
    });

    it('answers RS_ERROR_INVALID_TOKEN for an unknown token and for another player', async () => {
      const player = await playing('badtoken');
      const other = await playing('other');
      expect(
        (await client.call('user/balance', { user: player.userId, token: 'nope', game_code: GAME })).body.status,
      ).toBe('RS_ERROR_INVALID_TOKEN');
      expect(
        (await client.call('user/balance', { user: player.userId, token: other.token, game_code: GAME })).body.status,
      ).toBe('RS_ERROR_INVALID_TOKEN');
    });

    it('answers RS_ERROR_TOKEN_EXPIRED after the idle TTL on balance and bets, but still accepts the win (§4.9, §7.6)', async () => {
      const player = await playing('expiry');
      const placed = bet(player);
      expect((await client.call('transaction/bet', placed)).body.status).toBe('RS_OK');
      clock.advance((environment.config.GAME_SESSION_IDLE_TTL_SECONDS + 1) * 1000);
      try {
        expect(
          (await client.call('user/balance', { user: player.userId, token: player.token, game_code: GAME })).body
            .status,
        ).toBe('RS_ERROR_TOKEN_EXPIRED');
        expect((await client.call('transaction/bet', bet(player))).body.status).toBe('RS_ERROR_TOKEN_EXPIRED');
        const win = await client.call('transaction/win', {
          ...bet(player, { amount: EUR(3), round: placed.round }),
          reference_transaction_uuid: placed.transaction_uuid,
        });
        expect(win.body).toMatchObject({ status: 'RS_OK', balance: EUR(102) });
      } finally {
        clock.advance(-(environment.config.GAME_SESSION_IDLE_TTL_SECONDS + 1) * 1000);
      }
    });
  });

  describe('§7.4 bets', () => {
    it('refuses amount 1 (0.00001 EUR, not a whole cent) with RS_ERROR_WRONG_TYPES and debits ×100000 steps exactly', async () => {
      const player = await playing('amounts');
      expect((await client.call('transaction/bet', bet(player, { amount: 1 }))).body.status).toBe(
        'RS_ERROR_WRONG_TYPES',
      );
      expect((await client.call('transaction/bet', bet(player, { amount: 1000 }))).body).toMatchObject({
        status: 'RS_OK',
        balance: EUR(100) - 1000,
      });
      const answer = await client.call('transaction/bet', bet(player, { amount: EUR(2) }));
      expect(answer.body).toMatchObject({ status: 'RS_OK', balance: EUR(98) - 1000 });
      expect(await availableOf(app, player.userId)).toBe(9_799n);
    });

    it('answers RS_ERROR_NOT_ENOUGH_MONEY with the balance, and debits nothing', async () => {
      const player = await playing('broke');
      const answer = await client.call('transaction/bet', bet(player, { amount: EUR(100.01) }));
      expect(answer.body).toMatchObject({ status: 'RS_ERROR_NOT_ENOUGH_MONEY', balance: EUR(100), currency: 'EUR' });
      expect(await availableOf(app, player.userId)).toBe(10_000n);
    });

    it('answers RS_ERROR_WRONG_CURRENCY and RS_ERROR_INVALID_GAME', async () => {
      const player = await playing('wrong');
      expect((await client.call('transaction/bet', bet(player, { currency: 'USD' }))).body.status).toBe(
        'RS_ERROR_WRONG_CURRENCY',
      );
      expect((await client.call('transaction/bet', bet(player, { game_code: 'no_such_game' }))).body.status).toBe(
        'RS_ERROR_INVALID_GAME',
      );
      expect(await availableOf(app, player.userId)).toBe(10_000n);
    });

    it('refuses the bets of a player on a time-out with RS_ERROR_USER_DISABLED', async () => {
      const player = await playing('timeout');
      await app.get(RgSettingsService).timeOut(player.userId, 24, null, player.userId);
      expect((await client.call('transaction/bet', bet(player))).body.status).toBe('RS_ERROR_USER_DISABLED');
      expect(await availableOf(app, player.userId)).toBe(10_000n);
    });
  });

  it('§7.5 replays a bet (new and same request_uuid) without a second debit; other data is a duplicate', async () => {
    const player = await playing('replay');
    const placed: Record<string, unknown> = { ...bet(player), request_uuid: randomUUID() };
    expect((await client.call('transaction/bet', placed)).body).toMatchObject({ status: 'RS_OK', balance: EUR(99) });
    expect((await client.call('transaction/bet', placed)).body).toMatchObject({ status: 'RS_OK', balance: EUR(99) });
    expect((await client.call('transaction/bet', { ...placed, request_uuid: randomUUID() })).body).toMatchObject({
      status: 'RS_OK',
      balance: EUR(99),
    });
    const changed = await client.call('transaction/bet', { ...placed, amount: EUR(5), request_uuid: randomUUID() });
    expect(changed.body.status).toBe('RS_ERROR_DUPLICATE_TRANSACTION');
    const asWin = await client.call('transaction/win', {
      ...placed,
      reference_transaction_uuid: placed.transaction_uuid,
    });
    expect(asWin.body.status).toBe('RS_ERROR_DUPLICATE_TRANSACTION');
    expect(await availableOf(app, player.userId)).toBe(9_900n);
  });

  it('§7.6 wins: credit, zero win, replay without double credit, unknown reference', async () => {
    const player = await playing('wins');
    const placed = bet(player, { amount: EUR(10) });
    await client.call('transaction/bet', placed);
    const win = {
      ...bet(player, { amount: EUR(25), round: placed.round }),
      reference_transaction_uuid: placed.transaction_uuid,
    };
    expect((await client.call('transaction/win', win)).body).toMatchObject({ status: 'RS_OK', balance: EUR(115) });
    expect((await client.call('transaction/win', win)).body).toMatchObject({ status: 'RS_OK', balance: EUR(115) });
    const zero = {
      ...bet(player, { amount: 0, round: placed.round }),
      reference_transaction_uuid: placed.transaction_uuid,
    };
    expect((await client.call('transaction/win', zero)).body).toMatchObject({ status: 'RS_OK', balance: EUR(115) });
    const orphan = { ...bet(player, { amount: EUR(5) }), reference_transaction_uuid: randomUUID() };
    expect((await client.call('transaction/win', orphan)).body.status).toBe('RS_ERROR_TRANSACTION_DOES_NOT_EXIST');
    expect(await availableOf(app, player.userId)).toBe(11_500n);
  });

  describe('§7.7 rollbacks', () => {
    function rollback(player: { userId: string; token: string }, reference: string): Record<string, unknown> {
      return {
        user: player.userId,
        transaction_uuid: randomUUID(),
        reference_transaction_uuid: reference,
        supplier_transaction_id: `sup-${randomUUID()}`,
        token: player.token,
        round: null,
        game_code: GAME,
        meta: null,
      };
    }

    it('refunds the stake once, however often the rollback is repeated, and refuses a later win', async () => {
      const player = await playing('rollback');
      const placed = bet(player, { amount: EUR(7) });
      await client.call('transaction/bet', placed);
      const undo = rollback(player, placed.transaction_uuid as string);
      expect((await client.call('transaction/rollback', undo)).body).toMatchObject({
        status: 'RS_OK',
        balance: EUR(100),
      });
      expect((await client.call('transaction/rollback', undo)).body).toMatchObject({
        status: 'RS_OK',
        balance: EUR(100),
      });
      const second = rollback(player, placed.transaction_uuid as string);
      expect((await client.call('transaction/rollback', second)).body).toMatchObject({
        status: 'RS_OK',
        balance: EUR(100),
      });
      const late = { ...bet(player, { amount: EUR(50) }), reference_transaction_uuid: placed.transaction_uuid };
      const refused = await client.call('transaction/win', late);
      expect(['RS_ERROR_TRANSACTION_ROLLED_BACK', 'RS_ERROR_TRANSACTION_DOES_NOT_EXIST']).toContain(
        refused.body.status,
      );
      expect(await availableOf(app, player.userId)).toBe(10_000n);
    });

    it('records a rollback of an unknown transaction so that the late bet with that id moves no money', async () => {
      const player = await playing('tombstone');
      const late = bet(player, { amount: EUR(4) });
      const undo = await client.call('transaction/rollback', rollback(player, late.transaction_uuid as string));
      expect(['RS_OK', 'RS_ERROR_TRANSACTION_DOES_NOT_EXIST']).toContain(undo.body.status);
      const refused = await client.call('transaction/bet', late);
      expect(refused.body.status).toBe('RS_ERROR_TRANSACTION_ROLLED_BACK');
      expect((await client.call('transaction/bet', late)).body.status).toBe('RS_ERROR_TRANSACTION_ROLLED_BACK');
      expect(await availableOf(app, player.userId)).toBe(10_000n);
    });

    it('accepts a rollback sent with an expired token (§4.9)', async () => {
      const player = await playing('expired-rollback');
      const placed = bet(player, { amount: EUR(6) });
      await client.call('transaction/bet', placed);
      clock.advance((environment.config.GAME_SESSION_IDLE_TTL_SECONDS + 1) * 1000);
      try {
        const undo = await client.call('transaction/rollback', rollback(player, placed.transaction_uuid as string));
        expect(undo.body).toMatchObject({ status: 'RS_OK', balance: EUR(100) });
      } finally {
        clock.advance(-(environment.config.GAME_SESSION_IDLE_TTL_SECONDS + 1) * 1000);
      }
    });
  });

  describe('§7.8 rounds, free bets, supplier promos, extra fields', () => {
    it('keeps a multi-bet round and closes it on round_closed, with a game.round.closed event', async () => {
      const player = await playing('round');
      const round = `round-${randomUUID()}`;
      const first = bet(player, { round, amount: EUR(1) });
      const second = bet(player, { round, amount: EUR(2) });
      await client.call('transaction/bet', first);
      await client.call('transaction/bet', second);
      const win = {
        ...bet(player, { round, amount: EUR(5), round_closed: true }),
        reference_transaction_uuid: second.transaction_uuid,
      };
      expect((await client.call('transaction/win', win)).body).toMatchObject({ status: 'RS_OK', balance: EUR(102) });
      const rounds = (await db.query(`SELECT id, status FROM game_rounds WHERE provider_round_id = $1`, [round])) as {
        id: string;
        status: string;
      }[];
      expect(rounds).toEqual([expect.objectContaining({ status: 'closed' })]);
      const events = (await db.query(
        `SELECT envelope FROM outbox_events WHERE event_type = 'game.round.closed' AND aggregate_id = $1`,
        [rounds[0]?.id],
      )) as { envelope: { payload: Record<string, string> } }[];
      expect(events.map((event) => event.envelope.payload)).toEqual([
        expect.objectContaining({
          providerRoundId: round,
          totalBet: '300',
          totalWin: '500',
          currency: 'EUR',
          userId: player.userId,
        }),
      ]);
    });

    it("puts a win in its bet's round without rewriting the round, and opens the round a win names otherwise", async () => {
      const player = await playing('win-rounds');
      const stake = bet(player);
      await client.call('transaction/bet', stake);
      const roundRow = async (round: unknown): Promise<{ id: string; version: string } | undefined> => {
        const rows = (await db.query(
          `SELECT id, xmin::text AS version FROM game_rounds WHERE provider_round_id = $1 AND user_id = $2`,
          [round, player.userId],
        )) as { id: string; version: string }[];
        return rows[0];
      };
      const before = await roundRow(stake.round);
      const sameRound = bet(player, { round: stake.round, reference_transaction_uuid: stake.transaction_uuid });
      expect((await client.call('transaction/win', sameRound)).body).toMatchObject({ status: 'RS_OK' });
      expect(await roundRow(stake.round)).toEqual(before);

      const otherRound = bet(player, { reference_transaction_uuid: stake.transaction_uuid });
      expect((await client.call('transaction/win', otherRound)).body).toMatchObject({ status: 'RS_OK' });
      const opened = await roundRow(otherRound.round);
      const winRounds = (await db.query(
        `SELECT external_id, round_id FROM game_transactions WHERE external_id = ANY($1::text[]) ORDER BY external_id`,
        [[sameRound.transaction_uuid, otherRound.transaction_uuid]],
      )) as { external_id: string; round_id: string }[];
      expect(Object.fromEntries(winRounds.map((row) => [row.external_id, row.round_id]))).toEqual({
        [sameRound.transaction_uuid as string]: before?.id,
        [otherRound.transaction_uuid as string]: opened?.id,
      });
      expect(opened?.id).not.toEqual(before?.id);
    });

    it('writes one game.round.closed envelope shape whether the ledger statement or a rollback closed the round', async () => {
      const player = await playing('envelopes');
      const [byWin, byRollback] = [`round-${randomUUID()}`, `round-${randomUUID()}`];
      const stake = bet(player, { round: byWin });
      await client.call('transaction/bet', stake);
      await client.call('transaction/win', {
        ...bet(player, { round: byWin, amount: EUR(2), round_closed: true }),
        reference_transaction_uuid: stake.transaction_uuid,
      });
      const undone = bet(player, { round: byRollback });
      await client.call('transaction/bet', undone);
      const undo = {
        user: player.userId,
        transaction_uuid: randomUUID(),
        reference_transaction_uuid: undone.transaction_uuid,
        supplier_transaction_id: `sup-${randomUUID()}`,
        token: player.token,
        round: byRollback,
        round_closed: true,
        game_code: GAME,
        meta: null,
      };
      expect((await client.call('transaction/rollback', undo)).body).toMatchObject({ status: 'RS_OK' });
      const envelopeOf = async (round: string): Promise<Record<string, unknown>> => {
        const rows = (await db.query(
          `SELECT o.envelope FROM outbox_events o JOIN game_rounds r ON o.aggregate_id = r.id::text
            WHERE o.event_type = 'game.round.closed' AND r.provider_round_id = $1`,
          [round],
        )) as { envelope: Record<string, unknown> }[];
        expect(rows).toHaveLength(1);
        return rows[0]?.envelope ?? {};
      };
      const shapeOf = (value: Record<string, unknown>): Record<string, string> =>
        Object.fromEntries(Object.entries(value).map(([key, field]) => [key, typeof field]));
      const [fromLedger, fromRollback] = [await envelopeOf(byWin), await envelopeOf(byRollback)];
      expect(shapeOf(fromLedger)).toEqual(shapeOf(fromRollback));
      const payloads = [fromLedger.payload, fromRollback.payload] as Record<string, unknown>[];
      expect(shapeOf(payloads[0] ?? {})).toEqual(shapeOf(payloads[1] ?? {}));
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
      for (const [envelope, payload] of [fromLedger, fromRollback].map((e, i) => [e, payloads[i] ?? {}] as const)) {
        expect(envelope).toMatchObject({ type: 'game.round.closed', version: 1, aggregateId: payload.roundId });
        expect(envelope.occurredAt).toMatch(iso);
        expect(payload.openedAt).toMatch(iso);
        expect(payload.closedAt).toMatch(iso);
        expect(payload).toMatchObject({
          providerCode: 'hub88',
          userId: player.userId,
          gameCode: GAME,
          currency: 'EUR',
        });
      }
      expect(payloads[0]).toMatchObject({ providerRoundId: byWin, totalBet: '100', totalWin: '200' });
      expect(payloads[1]).toMatchObject({ providerRoundId: byRollback, totalBet: '0', totalWin: '0' });
    });

    it('draws is_free bets from the bonus balance only', async () => {
      const player = await playing('free');
      expect((await client.call('transaction/bet', bet(player, { is_free: true }))).body.status).toBe(
        'RS_ERROR_NOT_ENOUGH_MONEY',
      );
      await app.get(WalletService).adjust({
        idempotency: { scope: 'test', key: `bonus-${player.userId}` },
        wallet: { userId: player.userId },
        currency: 'EUR',
        amount: 500n,
        balance: 'bonus',
        reason: 'free spins',
        actor: { userId: player.userId, roles: ['admin'] },
      });
      expect((await client.call('transaction/bet', bet(player, { is_free: true, amount: EUR(2) }))).body).toMatchObject(
        {
          status: 'RS_OK',
          balance: EUR(103),
        },
      );
      const view = (await app.get(WalletService).walletsOfUser(player.userId))[0];
      expect(view?.balances).toMatchObject({ cash: 10_000n, bonus: 300n });
    });

    it('accepts a zero supplier-promo bet then the promo win, with meta and unknown extra fields', async () => {
      const player = await playing('promo');
      const zero = bet(player, {
        amount: 0,
        is_supplier_promo: true,
        is_free: true,
        is_billable: false,
        future_field: { x: 1 },
      });
      expect((await client.call('transaction/bet', zero)).body).toMatchObject({ status: 'RS_OK', balance: EUR(100) });
      const payout = bet(player, {
        amount: EUR(20),
        is_supplier_promo: true,
        is_free: true,
        meta: { supplier_promo_info: { promo_reference: 'tournament-7' } },
        another_unknown: 'ignored',
      });
      expect((await client.call('transaction/win', payout)).body).toMatchObject({ status: 'RS_OK', balance: EUR(120) });
    });
  });

  it('leaves the ledger consistent (wallet:verify)', async () => {
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
    expect(hub88.unsignedCalls).toBe(0);
  });
});
