import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signActions } from '../../src/modules/game/actions/actions-signature';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { ProvidersService } from '../../src/modules/game/providers/providers.service';
import { WalletVerifier } from '../../src/modules/wallet/wallet.verifier';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { FakeHub88 } from './support/fake-hub88';
import { availableOf, newPlayer, startGameTestApp } from './support/game-test-app';

/**
 * Bodies Hub88's wallet routes cannot use (reference §0: HTTP 200 and a `status` for every outcome;
 * §5 RS_ERROR_WRONG_SYNTAX "request does not match the expected form or syntax"; §3: the signature is
 * over the raw bytes, so it is checked before the JSON is looked at).
 */
const GAME = 'clt_dragonrising';
const OPERATIONS = ['user/info', 'user/balance', 'transaction/bet', 'transaction/win', 'transaction/rollback'];
const ACTIONS_SECRET = 'malformed-suite-actions-secret-01';

interface Answer {
  httpStatus: number;
  body: Record<string, unknown>;
}

describe('Hub88 wallet routes: malformed and incomplete bodies (e2e)', () => {
  const hub88 = new FakeHub88();
  let environment: TestEnvironment;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: GAME, name: 'Dragon Rising', category: 'slots' }];
    environment = await createTestEnvironment('game-malformed', {
      ...hub88.settings(),
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    });
    ({ app } = await startGameTestApp(environment.config));
    await app.get(CatalogSyncService).syncAll();
    await app
      .get(ProvidersService)
      .create(
        { code: 'bgaming', name: 'Actions', protocol: 'actions', credentials: { hmacSecret: ACTIONS_SECRET } },
        { user: null },
      );
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  /** Sends these exact bytes, signed over exactly them unless a signature (or null for none) is given. */
  async function send(path: string, raw: string, signature?: string | null): Promise<Answer> {
    const header = signature === undefined ? hub88.sign(raw) : signature;
    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/providers/hub88/${path}`,
      headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'x-hub88-signature': header }) },
      payload: raw,
    });
    return { httpStatus: response.statusCode, body: response.json<Record<string, unknown>>() };
  }

  /** A player with €100.00 and an open session, as Hub88 knows them. */
  async function playing(): Promise<{ userId: string; token: string }> {
    const player = await newPlayer(app, 'malformed', 10_000n);
    const [game] = (await app.get(DataSource).query(`SELECT id FROM games WHERE game_code = $1`, [GAME])) as {
      id: string;
    }[];
    const launched = await app.inject({
      method: 'POST',
      url: `/api/v1/games/${game?.id ?? ''}/launch`,
      headers: player.headers,
      payload: { mode: 'real', platform: 'desktop', language: 'en' },
    });
    expect(launched.statusCode).toBe(200);
    return { userId: player.userId, token: hub88.tokenOf(player.userId) };
  }

  function betOf(player: { userId: string; token: string }): Record<string, unknown> {
    return {
      user: player.userId,
      transaction_uuid: randomUUID(),
      supplier_transaction_id: 'sup-1',
      token: player.token,
      round: `round-${randomUUID()}`,
      round_closed: false,
      request_uuid: randomUUID(),
      is_free: false,
      game_code: GAME,
      currency: 'EUR',
      amount: 100_000,
    };
  }

  describe('unparsable JSON', () => {
    it.each(OPERATIONS)(
      '%s: a correctly signed broken body answers HTTP 200 RS_ERROR_WRONG_SYNTAX, request_uuid null',
      async (operation) => {
        const answer = await send(operation, `{"user":"someone","request_uuid":"${randomUUID()}",`);
        expect(answer).toEqual({ httpStatus: 200, body: { status: 'RS_ERROR_WRONG_SYNTAX', request_uuid: null } });
      },
    );

    it('moves no money for a signed bet cut short, and the complete bet still goes through once', async () => {
      const player = await playing();
      const raw = JSON.stringify(betOf(player));
      const cut = await send('transaction/bet', raw.slice(0, -1));
      expect(cut).toEqual({ httpStatus: 200, body: { status: 'RS_ERROR_WRONG_SYNTAX', request_uuid: null } });
      expect(await availableOf(app, player.userId)).toBe(10_000n);
      expect((await send('transaction/bet', raw)).body).toMatchObject({ status: 'RS_OK', balance: 9_900_000 });
      expect(await availableOf(app, player.userId)).toBe(9_900n);
    });

    it('checks the signature first: a broken body with a bad, foreign or missing signature is RS_ERROR_INVALID_SIGNATURE', async () => {
      const broken = '{"user":"someone","amount":';
      const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      for (const signature of ['not//base64==', hub88.sign(broken, foreign), hub88.sign('{}'), null]) {
        const answer = await send('transaction/bet', broken, signature);
        expect(answer).toEqual({ httpStatus: 200, body: { status: 'RS_ERROR_INVALID_SIGNATURE', request_uuid: null } });
      }
    });

    it.each([
      ['an empty body', ''],
      ['a JSON array', '[{"user":"someone"}]'],
      ['the JSON null', 'null'],
      ['a JSON string', '"user"'],
      ['a prototype-poisoning body', '{"user":"someone","__proto__":{"admin":true}}'],
    ])('answers %s with RS_ERROR_WRONG_SYNTAX', async (_label, raw) => {
      const answer = await send('user/info', raw);
      expect(answer).toEqual({ httpStatus: 200, body: { status: 'RS_ERROR_WRONG_SYNTAX', request_uuid: null } });
    });
  });

  describe('missing required fields (reference §1)', () => {
    it.each([
      ['user/info', 'user'],
      ['user/balance', 'token'],
      ['transaction/bet', 'user'],
      ['transaction/bet', 'token'],
      ['transaction/bet', 'transaction_uuid'],
      ['transaction/bet', 'amount'],
      ['transaction/bet', 'currency'],
      ['transaction/bet', 'game_code'],
      ['transaction/win', 'reference_transaction_uuid'],
      ['transaction/win', 'amount'],
      ['transaction/rollback', 'reference_transaction_uuid'],
      ['transaction/rollback', 'transaction_uuid'],
    ])('%s without %s: RS_ERROR_WRONG_SYNTAX with request_uuid echoed, no money moved', async (operation, field) => {
      const player = await playing();
      const bet = betOf(player);
      const body: Record<string, unknown> = { ...bet, reference_transaction_uuid: randomUUID(), [field]: undefined };
      const answer = await send(operation, JSON.stringify(body));
      expect(answer.httpStatus).toBe(200);
      expect(answer.body).toMatchObject({ status: 'RS_ERROR_WRONG_SYNTAX', request_uuid: bet.request_uuid });
      expect(await availableOf(app, player.userId)).toBe(10_000n);
    });

    it('a null required field counts as missing', async () => {
      const player = await playing();
      const bet: Record<string, unknown> = { ...betOf(player), amount: null };
      expect((await send('transaction/bet', JSON.stringify(bet))).body).toMatchObject({
        status: 'RS_ERROR_WRONG_SYNTAX',
        request_uuid: bet.request_uuid,
      });
    });

    it('without request_uuid: RS_ERROR_WRONG_SYNTAX and request_uuid null (nothing to echo)', async () => {
      const player = await playing();
      const answer = await send('user/balance', JSON.stringify({ user: player.userId, token: player.token }));
      expect(answer).toEqual({
        httpStatus: 200,
        body: { status: 'RS_ERROR_WRONG_SYNTAX', request_uuid: null, user: player.userId },
      });
    });
  });

  describe('every other route keeps the API conventions', () => {
    it('answers broken JSON on an API route with 400 MALFORMED_REQUEST in the global error body (as before)', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/email/start',
        headers: { 'content-type': 'application/json' },
        payload: '{"email": ',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: {
          code: 'MALFORMED_REQUEST',
          message: "Body is not valid JSON but content-type is set to 'application/json'",
        },
        requestId: expect.any(String),
      });
    });

    it('still parses well-formed JSON on an API route', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/email/start',
        headers: { 'content-type': 'application/json' },
        payload: '{"email": 42}',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    });

    it('answers an unknown provider code with 404 whatever the body', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/providers/nobody/transaction/bet',
        headers: { 'content-type': 'application/json', 'x-hub88-signature': hub88.sign('{') },
        payload: '{',
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'GAME_PROVIDER_NOT_FOUND' } });
    });

    it('answers broken JSON on the action-batch route in that protocol, after its signature check', async () => {
      const play = async (raw: string, signature: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/providers/bgaming/play',
          headers: { 'content-type': 'application/json', 'x-request-sign': signature },
          payload: raw,
        });
      const signed = await play('{"user_id":', signActions('{"user_id":', ACTIONS_SECRET));
      expect(signed.statusCode).toBe(400);
      expect(signed.json()).toEqual({ code: 400, message: 'Bad request' });
      const forged = await play('{"user_id":', signActions('{"user_id":', 'another-secret-another-secret-00'));
      expect(forged.statusCode).toBe(403);
      expect(forged.json()).toMatchObject({ code: 403 });
    });
  });

  it('leaves the ledger consistent (wallet:verify)', async () => {
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
  });
});
