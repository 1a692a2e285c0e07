import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getMetadataStorage } from 'class-validator';
import { DataSource } from 'typeorm';
import { STAFF_ROLES } from '../src/common/auth/roles';
import { JWT_AUDIENCE, JWT_ISSUER } from '../src/modules/auth/sessions/access-token.service';
import { WalletService } from '../src/modules/wallet/wallet.service';
import { QUIET_WALLET_SETTINGS } from './wallet-test-kit';
import { EUR, create, newPlayer, startPaymentSuite, type PaymentSuite, type Player } from './payment-test-kit';
import { describeRoute, routeTable, type RouteEntry } from './support/route-table';
import { craftJwt, databaseFingerprint, reportCoverage, SweepClient, type TokenClaims } from './support/security-sweep';
import { bonusKit } from './bonus/bonus-test-kit';
import { bearer, signIn, signInAsStaff, type SignedIn } from './support/sign-in';

/**
 * Issue 19, attack sweep: every case runs over every route of the route table (read from the running app), so a
 * new route is swept without a test written for it. Each sweep prints how many routes × cases it covered.
 */
describe('attack sweep over the route table (e2e)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let db: DataSource;
  let routes: RouteEntry[];
  let client: SweepClient;
  let staff: SignedIn;

  beforeAll(async () => {
    // The sweeps send hundreds of auth requests from inject's one address: the auth limits have their own suites.
    // Background writers off (outbox relay, the wallet's user consumer) so a database fingerprint is the requests' own.
    suite = await startPaymentSuite('security-sweep', {
      ...QUIET_WALLET_SETTINGS,
      AUTH_RATE_LIMIT_PER_IP: '100000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '100000',
    });
    app = suite.app;
    db = app.get(DataSource);
    routes = routeTable(app);
    client = new SweepClient(app);
    staff = await signInAsStaff(app, suite.environment.config.ADMIN_EMAIL);
    await app.get(WalletService).openWallet(staff.userId, 'EUR');
    for (const role of STAFF_ROLES.filter((candidate) => candidate !== 'admin')) {
      const granted = await app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${staff.userId}/roles`,
        headers: bearer(staff.accessToken),
        payload: { role },
      });
      expect(granted.statusCode).toBe(200);
    }
  }, 60_000);

  afterAll(async () => {
    await suite?.close();
  });

  const isStaffRoute = (route: RouteEntry): boolean =>
    route.roles.length > 0 || route.path.startsWith('/api/v1/admin/') || route.path === '/api/v1/admin';
  const protectedRoutes = (): RouteEntry[] => routes.filter((route) => !route.isPublic);
  const playerRoutes = (): RouteEntry[] => protectedRoutes().filter((route) => !isStaffRoute(route));
  /** A caller every guard lets through (all staff roles), so a refusal is the body's. */
  const headersFor = (): Record<string, string> => bearer(staff.accessToken);

  it('reads a route table that has the routes of every module', () => {
    expect(routes.map(describeRoute)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/email/start',
        'DELETE /api/v1/auth/sessions/:id',
        'GET /api/v1/payments/:id',
        'POST /api/v1/wallets/:walletId/adjustments',
        'POST /api/v1/admin/payments/withdrawals/:id/decision',
        'PUT /api/v1/users/me/consents',
      ]),
    );
    expect(routes.find((route) => route.path === '/api/v1/auth/email/start')?.isPublic).toBe(true);
    expect(routes.find((route) => route.path === '/api/v1/wallets/:walletId/adjustments')?.roles).toEqual([
      'admin',
      'finance',
    ]);
  });

  describe('function level: staff routes refuse players and strangers', () => {
    it('answers 403 to a plain player and 401 without a token on every staff route, changing nothing', async () => {
      const player = await newPlayer(app);
      const staffRoutes = routes.filter(isStaffRoute);
      expect(staffRoutes.length).toBeGreaterThan(10);
      const before = await databaseFingerprint(db);
      const wrong: string[] = [];
      for (const route of staffRoutes) {
        const asPlayer = await client.call(route, { headers: player.headers });
        if (asPlayer.statusCode !== 403 || asPlayer.json<{ error: { code: string } }>().error.code !== 'FORBIDDEN') {
          wrong.push(`${describeRoute(route)} as a player → ${asPlayer.statusCode} ${asPlayer.body.slice(0, 120)}`);
        }
        const anonymous = await client.call(route, {});
        if (anonymous.statusCode !== 401)
          wrong.push(`${describeRoute(route)} without a token → ${anonymous.statusCode}`);
      }
      expect(wrong).toEqual([]);
      expect(await databaseFingerprint(db)).toEqual(before);
      reportCoverage('function level (player, no token)', staffRoutes.length, 2, staffRoutes.length * 2);
    });

    it('answers 401 without a token on every route that is not @Public', async () => {
      const wrong: string[] = [];
      for (const route of protectedRoutes()) {
        const response = await client.call(route, {});
        const code = response.statusCode === 401 ? response.json<{ error: { code: string } }>().error.code : '';
        if (code !== 'UNAUTHENTICATED') wrong.push(`${describeRoute(route)} → ${response.statusCode}`);
      }
      expect(wrong).toEqual([]);
      reportCoverage('authentication (no token)', protectedRoutes().length, 1, protectedRoutes().length);
    });
  });

  describe('tokens: only a genuine, current access token of a live session passes', () => {
    let holder: SignedIn;
    let claims: TokenClaims;
    const secret = (): string => suite.environment.config.JWT_SECRET;
    const now = (): number => Math.floor(Date.now() / 1000);

    beforeAll(async () => {
      holder = await signIn(app);
      const payload = JSON.parse(Buffer.from(holder.accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
        sid: string;
      };
      claims = { sub: holder.userId, sid: payload.sid, roles: ['player'], iss: JWT_ISSUER, aud: JWT_AUDIENCE };
    });

    const badTokens = (): [string, string][] => [
      ['alg none', craftJwt({ ...claims, iat: now(), exp: now() + 600 }, null)],
      ['alg none, no dot', craftJwt({ ...claims, iat: now(), exp: now() + 600 }, null).slice(0, -1)],
      ['HS256 with another key', craftJwt({ ...claims, iat: now(), exp: now() + 600 }, 'another-key-0123456789')],
      [
        'HS512 header with the right key',
        craftJwt({ ...claims, iat: now(), exp: now() + 600 }, secret(), { alg: 'HS512' }),
      ],
      ['expired', craftJwt({ ...claims, iat: now() - 3600, exp: now() - 60 }, secret())],
      ['not yet valid (nbf)', craftJwt({ ...claims, iat: now(), nbf: now() + 600, exp: now() + 1200 }, secret())],
      ['issued in the future (iat)', craftJwt({ ...claims, iat: now() + 600, exp: now() + 1200 }, secret())],
      ['without an expiry', craftJwt({ ...claims, iat: now() }, secret())],
      ['wrong audience', craftJwt({ ...claims, aud: 'casino-backoffice', iat: now(), exp: now() + 600 }, secret())],
      ['wrong issuer', craftJwt({ ...claims, iss: 'someone-else', iat: now(), exp: now() + 600 }, secret())],
      [
        'another user on the session',
        craftJwt({ ...claims, sub: staff.userId, iat: now(), exp: now() + 600 }, secret()),
      ],
      ['the refresh token', holder.refreshToken],
      ['garbage', 'not-a-token'],
    ];

    it('accepts the control: a token crafted like the app signs them', async () => {
      const control = craftJwt({ ...claims, iat: now(), exp: now() + 600 }, secret());
      const response = await app.inject({ method: 'GET', url: '/api/v1/users/me', headers: bearer(control) });
      expect(response.statusCode).toBe(200);
    });

    it('answers 401 to every forged, stale or misdirected token on every protected route', async () => {
      const cases = badTokens();
      const wrong: string[] = [];
      for (const route of protectedRoutes()) {
        for (const [name, token] of cases) {
          const response = await client.call(route, { headers: bearer(token) });
          if (response.statusCode !== 401) wrong.push(`${name}: ${describeRoute(route)} → ${response.statusCode}`);
        }
      }
      expect(wrong).toEqual([]);
      reportCoverage('tokens', protectedRoutes().length, cases.length, protectedRoutes().length * cases.length);
    });
  });

  /** A's bonuses for the player bonus routes: one offered (to opt in to), one active (to forfeit). */
  async function bonusesOf(userId: string): Promise<Record<string, Record<string, string>>> {
    const bonuses = bonusKit(app, staff);
    const offered = await bonuses.grant(await bonuses.template({ optIn: true }), userId);
    const active = await bonuses.grant(await bonuses.template(), userId);
    expect([offered.statusCode, active.statusCode]).toEqual([201, 201]);
    return {
      'POST /api/v1/bonuses/me/:id/opt-in': { id: offered.json<{ id: string }>().id },
      'POST /api/v1/bonuses/me/:id/forfeit': { id: active.json<{ id: string }>().id },
    };
  }

  describe('object level: player B cannot reach player A`s objects', () => {
    /** Path parameters of player routes that name a thing everyone shares, not something a player owns. */
    const NOT_OWNED: Record<string, string> = {
      'POST /api/v1/users/me/responsible-gaming/limits/:limit': 'a limit kind of the caller`s own settings',
      'POST /api/v1/users/me/responsible-gaming/limits/:limit/confirm': 'a limit kind of the caller`s own settings',
      'POST /api/v1/auth/telegram/link id': 'Telegram`s user id, inside data Telegram signed with the bot token',
    };

    it('answers 404 or 403 to B on every player route with A`s ids, changing nothing of A`s', async () => {
      const a = await newPlayer(app, 10_000n);
      const b = await newPlayer(app, 10_000n);
      const aSecond = await signIn(app);
      const deposit = await create(app, a, 'deposits', EUR('1500'));
      expect(deposit.statusCode).toBe(201);
      const owned: Record<string, Record<string, string>> = {
        'GET /api/v1/payments/:id': { id: deposit.json<{ id: string }>().id },
        'POST /api/v1/payments/:id/cancel': { id: deposit.json<{ id: string }>().id },
        'DELETE /api/v1/auth/sessions/:id': { id: await sessionIdOf(aSecond.accessToken) },
        ...(await bonusesOf(a.userId)),
      };
      const swept = playerRoutes().filter((route) => route.pathParams.length > 0);
      const unowned = swept.filter((route) => !owned[describeRoute(route)] && !NOT_OWNED[describeRoute(route)]);
      expect(unowned.map(describeRoute)).toEqual([]); // a new player route with an id needs A's object here
      // A player body that names one of our objects needs A's object swept here too.
      const bodyIds = playerRoutes()
        .flatMap((route) => [...declaredProperties(route)].map((field) => ({ route, field })))
        .filter(({ field }) => /(^id|Id)$/.test(field))
        .map(({ route, field }) => `${describeRoute(route)} ${field}`)
        .filter((name) => !NOT_OWNED[name]);
      expect(bodyIds).toEqual([]);
      const before = await databaseFingerprint(db, ['security_events']);
      const wrong: string[] = [];
      for (const route of swept.filter((candidate) => owned[describeRoute(candidate)])) {
        const response = await client.call(route, { headers: b.headers, params: owned[describeRoute(route)] });
        if (![403, 404].includes(response.statusCode)) wrong.push(`${describeRoute(route)} → ${response.statusCode}`);
      }
      expect(wrong).toEqual([]);
      expect(await databaseFingerprint(db, ['security_events'])).toEqual(before);
      const stillLive = await app.inject({
        method: 'GET',
        url: '/api/v1/users/me',
        headers: bearer(aSecond.accessToken),
      });
      expect(stillLive.statusCode).toBe(200);
      reportCoverage('object level (B on A`s ids)', swept.length, 1, Object.keys(owned).length);
      await expectOnlyOwnTransactions(a, b);
    });

    async function expectOnlyOwnTransactions(a: Player, b: Player): Promise<void> {
      const mine = await app.inject({ method: 'GET', url: '/api/v1/wallets/me/transactions', headers: a.headers });
      const aTransaction = mine.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
      expect(aTransaction).not.toBe('');
      const theirs = await app.inject({
        method: 'GET',
        url: `/api/v1/wallets/me/transactions?cursor=${aTransaction}`,
        headers: b.headers,
      });
      const ids =
        theirs.statusCode === 200 ? theirs.json<{ items: { id: string }[] }>().items.map((item) => item.id) : [];
      const bWallets = await app.get(WalletService).walletsOfUser(b.userId);
      expect(ids).not.toContain(aTransaction);
      expect(bWallets.length).toBe(1);
    }

    async function sessionIdOf(accessToken: string): Promise<string> {
      const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
        sid: string;
      };
      return payload.sid;
    }
  });

  describe('mass assignment: a body with a field its DTO does not declare is refused', () => {
    const EXTRA: Record<string, unknown> = {
      roles: ['admin'],
      balance: '100000000',
      kycStatus: 'verified',
      userId: '00000000-0000-4000-8000-000000000001',
      status: 'active',
      amount: '100000000',
    };

    it('answers 400 VALIDATION_FAILED naming the extra field on every route with a body DTO, changing nothing', async () => {
      const withBody = routes.filter((route) => route.bodyType !== null);
      expect(withBody.length).toBeGreaterThan(20);
      const before = await databaseFingerprint(db, ['security_events']);
      const wrong: string[] = [];
      let cases = 0;
      for (const route of withBody) {
        const declared = declaredProperties(route);
        for (const [field, value] of Object.entries(EXTRA)) {
          if (declared.has(field)) continue;
          cases += 1;
          const response = await client.call(route, { headers: headersFor(), payload: { [field]: value } });
          const body = response.statusCode === 400 ? response.json<ValidationBody>() : null;
          const named = body?.error.details?.fields?.some((problem) => problem.field === field) ?? false;
          if (body?.error.code !== 'VALIDATION_FAILED' || !named) {
            wrong.push(`${describeRoute(route)} + ${field} → ${response.statusCode} ${response.body.slice(0, 160)}`);
          }
        }
      }
      expect(wrong).toEqual([]);
      expect(await databaseFingerprint(db, ['security_events'])).toEqual(before);
      reportCoverage('mass assignment', withBody.length, Object.keys(EXTRA).length, cases);
    });
  });

  describe('money inputs: amounts are strings of integer minor units, nothing else', () => {
    const BAD_AMOUNTS: [string, unknown][] = [
      ['exponent', '1e3'],
      ['negative zero', '-0'],
      ['leading zero', '01'],
      ['past int64', '9223372036854775808'],
      ['leading space', ' 1'],
      ['fraction', '1.5'],
      ['a JSON number', 1000],
      ['negative', '-100'],
      ['hex', '0x10'],
      ['empty', ''],
    ];
    /** A field is money when its name says so (every amount field of the API does). */
    const isMoneyField = (name: string): boolean => /amount|^(deposit|wager|loss)(Day|Week|Month)$/i.test(name);
    /** Money fields that are signed on purpose: a staff adjustment debits with a negative amount. */
    const SIGNED = new Set([
      'POST /api/v1/wallets/:walletId/adjustments amount',
      'POST /api/v1/admin/adjustments amount',
    ]);

    it('answers 400 VALIDATION_FAILED naming the field for every bad amount in every money field, storing nothing', async () => {
      const moneyRoutes = routes
        .map((route) => ({ route, fields: [...declaredProperties(route)].filter(isMoneyField) }))
        .filter(({ fields }) => fields.length > 0);
      expect(moneyRoutes.map(({ route }) => describeRoute(route))).toEqual(
        expect.arrayContaining(['POST /api/v1/payments/deposits', 'POST /api/v1/wallets/:walletId/adjustments']),
      );
      const before = await databaseFingerprint(db, ['security_events']);
      const wrong: string[] = [];
      let cases = 0;
      for (const { route, fields } of moneyRoutes) {
        for (const field of fields) {
          for (const [name, value] of BAD_AMOUNTS) {
            if (name === 'negative' && SIGNED.has(`${describeRoute(route)} ${field}`)) continue;
            cases += 1;
            const response = await client.call(route, {
              headers: { ...headersFor(), 'idempotency-key': `sweep-${cases}` },
              payload: { [field]: value },
            });
            const body = response.statusCode === 400 ? response.json<ValidationBody>() : null;
            const named = body?.error.details?.fields?.some((problem) => problem.field === field) ?? false;
            if (body?.error.code !== 'VALIDATION_FAILED' || !named) {
              wrong.push(
                `${describeRoute(route)} ${field}=${JSON.stringify(value)} (${name}) → ${response.statusCode}`,
              );
            }
          }
        }
      }
      expect(wrong).toEqual([]);
      expect(await databaseFingerprint(db, ['security_events'])).toEqual(before);
      reportCoverage('money inputs', moneyRoutes.length, BAD_AMOUNTS.length, cases);
    });
  });

  describe('hostile input: NUL characters and deep nesting never reach a handler (issue 15)', () => {
    const NUL = 'a\u0000b';
    const DEEP = `{"value":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    /** Routes whose body is a game provider's protocol: refused in that protocol (never a 500, no money moved). */
    const isProviderRoute = (route: RouteEntry): boolean => /\/(hub88|providers)\//.test(route.path);
    const hasBody = (route: RouteEntry): boolean => route.method !== 'GET' && route.method !== 'DELETE';

    it('answers 400 INPUT_NUL_CHARACTER or INPUT_TOO_DEEP on every route, for query, path and body, storing nothing', async () => {
      const before = await databaseFingerprint(db, ['security_events']);
      const wrong: string[] = [];
      let cases = 0;
      const expectRefusal = (
        route: RouteEntry,
        what: string,
        code: string,
        response: { statusCode: number; body: string },
      ) => {
        cases += 1;
        const refused = response.statusCode === 400 && response.body.includes(`"code":"${code}"`);
        const providerAnswer = what === 'body' && isProviderRoute(route) && response.statusCode < 500;
        if (!refused && !providerAnswer) {
          wrong.push(`${describeRoute(route)} ${what} ${code} → ${response.statusCode} ${response.body.slice(0, 160)}`);
        }
      };
      for (const route of routes) {
        const headers = { ...headersFor(), 'idempotency-key': `hostile-${route.name}` };
        expectRefusal(route, 'query', 'INPUT_NUL_CHARACTER', await client.call(route, { headers, query: 'q=a%00b' }));
        if (route.pathParams.length > 0) {
          const params = Object.fromEntries(route.pathParams.map((name) => [name, 'a%00b']));
          expectRefusal(route, 'path', 'INPUT_NUL_CHARACTER', await client.call(route, { headers, params }));
        }
        if (!hasBody(route)) continue;
        const fields = [...declaredProperties(route), 'note'];
        const payload = Object.fromEntries(fields.map((field) => [field, NUL]));
        expectRefusal(route, 'body', 'INPUT_NUL_CHARACTER', await client.call(route, { headers, payload }));
        expectRefusal(route, 'body', 'INPUT_TOO_DEEP', await client.call(route, { headers, payload: DEEP }));
      }
      expect(wrong).toEqual([]);
      expect(await databaseFingerprint(db, ['security_events'])).toEqual(before);
      reportCoverage('hostile input', routes.length, 4, cases);
    });
  });

  describe('error bodies', () => {
    it('never carried a stack trace, SQL or an internal host in any 4xx/5xx answer of the sweeps', () => {
      expect(client.requests).toBeGreaterThan(500);
      expect(client.leaks).toEqual([]);
      reportCoverage('error bodies checked', routes.length, 1, client.requests);
    });
  });
});

interface ValidationBody {
  error: { code: string; details?: { fields?: { field: string }[] } };
}

/** The properties a body DTO declares (class-validator's whitelist: what `forbidNonWhitelisted` lets through). */
function declaredProperties(route: RouteEntry): Set<string> {
  if (!route.bodyType) return new Set();
  const metadata = getMetadataStorage().getTargetValidationMetadatas(route.bodyType, '', true, false);
  return new Set(metadata.map((entry) => entry.propertyName));
}
