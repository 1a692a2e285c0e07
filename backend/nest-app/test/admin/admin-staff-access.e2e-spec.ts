import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES_KEY } from '../../src/common/auth/auth.decorators';
import { STAFF_ROLES, type Role } from '../../src/common/auth/roles';
import { PERMISSION_KEY, STAFF_PERMISSIONS } from '../../src/common/auth/staff-permissions';
import { bearer, grantRole, signIn, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { SessionService } from '../../src/modules/auth/sessions/session.service';
import { UserDirectory } from '../../src/modules/user/user-directory';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

interface ErrorBody {
  error: { code: string };
}

interface StaffRoute {
  method: string;
  path: string;
  permission: string | undefined;
  roles: Role[];
}

/**
 * Every staff route and the permission it must name: written out here, not read from the code, so that a route
 * added without a decision, or a permission moved, fails this test (docs/roles.md, ADR 0018).
 */
const EXPECTED_ROUTES: Record<string, string> = {
  'GET /api/v1/admin/me': 'staff.me',
  'GET /api/v1/admin/players': 'players.read',
  'GET /api/v1/admin/players/:id': 'players.read',
  'POST /api/v1/admin/players/:id/block': 'players.block',
  'POST /api/v1/admin/players/:id/unblock': 'players.block',
  'POST /api/v1/admin/players/:id/notes': 'players.notes',
  'PUT /api/v1/admin/players/:id/tags': 'players.tags',
  'GET /api/v1/admin/audit-log': 'audit.read',
  'GET /api/v1/admin/security-feed': 'security.read',
  'GET /api/v1/admin/dashboard': 'dashboard.read',
  'GET /api/v1/admin/adjustments': 'adjustments.read',
  'POST /api/v1/admin/adjustments': 'adjustments.request',
  'POST /api/v1/admin/adjustments/:id/approve': 'adjustments.decide',
  'POST /api/v1/admin/adjustments/:id/reject': 'adjustments.decide',
  'POST /api/v1/admin/users/:id/roles': 'roles.manage',
  'DELETE /api/v1/admin/users/:id/roles/:role': 'roles.manage',
  'POST /api/v1/admin/users/:id/sessions/revoke': 'sessions.revoke',
  'POST /api/v1/admin/users/:id/sign-in-lock/release': 'staff.unlock',
  'GET /api/v1/admin/users/:id/kyc': 'kyc.read',
  'POST /api/v1/admin/users/:id/kyc/decision': 'kyc.decide',
  'GET /api/v1/admin/security-events': 'security.read',
  'GET /api/v1/admin/games': 'games.read',
  'POST /api/v1/admin/games': 'games.manage',
  'POST /api/v1/admin/games/:id/reset-fields': 'games.manage',
  'GET /api/v1/admin/games/:id': 'games.read',
  'PATCH /api/v1/admin/games/:id': 'games.manage',
  'POST /api/v1/admin/games/:id/enable': 'games.manage',
  'POST /api/v1/admin/games/:id/disable': 'games.manage',
  'GET /api/v1/admin/game-providers': 'providers.read',
  'GET /api/v1/admin/game-providers/:code': 'providers.read',
  'POST /api/v1/admin/game-providers': 'providers.manage',
  'PATCH /api/v1/admin/game-providers/:code': 'providers.manage',
  'GET /api/v1/wallets/:walletId': 'wallets.read',
  'POST /api/v1/wallets/:walletId/adjustments': 'adjustments.request',
  'POST /api/v1/admin/payments/withdrawals/:id/decision': 'payments.decide',
  'POST /api/v1/admin/payments/:id/resolve': 'payments.resolve',
  'GET /api/v1/admin/payments': 'payments.read',
  'GET /api/v1/admin/payments/withdrawals/queue': 'payments.read',
  'POST /api/v1/admin/payments/:id/refund': 'payments.refund',
  'GET /api/v1/reports/catalogue': 'reports.read',
  'POST /api/v1/reports/query': 'reports.read',
  'POST /api/v1/reports/named/:name': 'reports.read',
  'GET /api/v1/reports/exports/:id': 'reports.export',
  'POST /api/v1/reports/exports': 'reports.export',
  'GET /api/v1/reports/schedules': 'reports.export',
  'POST /api/v1/reports/schedules': 'reports.export',
  'POST /api/v1/reports/schedules/:id/pause': 'reports.export',
  'POST /api/v1/reports/schedules/:id/resume': 'reports.export',
  'DELETE /api/v1/reports/schedules/:id': 'reports.export',
  'POST /api/v1/bonus/templates': 'bonuses.manage',
  'GET /api/v1/bonus/templates': 'bonuses.manage',
  'GET /api/v1/bonus/templates/:id': 'bonuses.manage',
  'POST /api/v1/bonus/templates/:id/retire': 'bonuses.manage',
  'POST /api/v1/bonus/grants': 'bonuses.manage',
  'POST /api/v1/admin/queues/board-session': 'queues.view',
  'POST /api/v1/bonus/player-bonuses/:id/cancel': 'bonuses.manage',
};

/**
 * The audit action each staff write leaves (every write route of EXPECTED_ROUTES). The admin module's own are checked
 * by admin-maker-checker and admin-player-block; the others by their modules' suites.
 */
const WRITE_AUDITS: Record<string, string> = {
  'POST /api/v1/admin/players/:id/block': 'player.block',
  'POST /api/v1/admin/players/:id/unblock': 'player.unblock',
  'POST /api/v1/admin/players/:id/notes': 'player.note.add',
  'PUT /api/v1/admin/players/:id/tags': 'player.tags.replace',
  'POST /api/v1/admin/adjustments': 'adjustment.request',
  'POST /api/v1/admin/adjustments/:id/approve': 'adjustment.approve',
  'POST /api/v1/admin/adjustments/:id/reject': 'adjustment.reject',
  'POST /api/v1/admin/users/:id/roles': 'user.role.grant',
  'DELETE /api/v1/admin/users/:id/roles/:role': 'user.role.revoke',
  'POST /api/v1/admin/users/:id/sessions/revoke': 'user.session.revoke_all',
  'POST /api/v1/admin/users/:id/sign-in-lock/release': 'user.sign_in_lock.release',
  'POST /api/v1/admin/users/:id/kyc/decision': 'kyc.decide',
  'POST /api/v1/admin/games': 'game.create',
  'POST /api/v1/admin/games/:id/reset-fields': 'game.fields.reset',
  'PATCH /api/v1/admin/games/:id': 'game.edit',
  'POST /api/v1/admin/games/:id/enable': 'game.enable',
  'POST /api/v1/admin/games/:id/disable': 'game.disable',
  'POST /api/v1/admin/game-providers': 'game.provider.create',
  'PATCH /api/v1/admin/game-providers/:code': 'game.provider.update',
  'POST /api/v1/wallets/:walletId/adjustments': 'wallet.adjust',
  'POST /api/v1/admin/payments/withdrawals/:id/decision': 'payment.withdrawal.approve' /* or .reject */,
  'POST /api/v1/admin/payments/:id/resolve': 'payment.resolve',
  'POST /api/v1/admin/payments/:id/refund': 'payment.refund',
  // Reads, but each run is audited (report-measures.e2e-spec).
  'POST /api/v1/reports/query': 'report.query',
  'POST /api/v1/reports/named/:name': 'report.query',
  // report-query-exports and report-schedules e2e specs.
  'POST /api/v1/reports/exports': 'report.export.request',
  'POST /api/v1/reports/schedules': 'report.schedule.create',
  'POST /api/v1/bonus/templates': 'bonus.template.create',
  'POST /api/v1/bonus/templates/:id/retire': 'bonus.template.retire',
  'POST /api/v1/bonus/grants': 'bonus.grant',
  'POST /api/v1/bonus/player-bonuses/:id/cancel': 'bonus.cancel',
  'POST /api/v1/reports/schedules/:id/pause': 'report.schedule.pause',
  'POST /api/v1/reports/schedules/:id/resume': 'report.schedule.resume',
  'DELETE /api/v1/reports/schedules/:id': 'report.schedule.delete',
  // admin-queue-board e2e spec.
  'POST /api/v1/admin/queues/board-session': 'queue.board.open',
};

const PLACEHOLDERS: Record<string, string> = { ':role': 'support', ':code': 'no-such-provider' };

/** Every route of the running app that is a staff route: under /api/v1/admin, or needing a staff role. */
function staffRoutesOf(app: NestFastifyApplication): StaffRoute[] {
  const reflector = app.get(Reflector);
  const routes: StaffRoute[] = [];
  for (const wrapper of app.get(DiscoveryService).getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
    if (!controller || !wrapper.instance) continue;
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const path = `/api/v1/${[base, sub].filter((part) => part && part !== '/').join('/')}`.replace(/\/+$/, '');
      const roles = reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [handler, controller]) ?? [];
      if (!path.startsWith('/api/v1/admin') && !roles.some((role) => STAFF_ROLES.includes(role))) continue;
      const permission = reflector.getAllAndOverride<string | undefined>(PERMISSION_KEY, [handler, controller]);
      routes.push({ method: RequestMethod[method], path, permission, roles });
    }
  }
  return routes.sort((a, b) => `${a.method} ${a.path}`.localeCompare(`${b.method} ${b.path}`));
}

function concrete(path: string): string {
  return path.replace(/:[A-Za-z]+/g, (name) => PLACEHOLDERS[name] ?? randomUUID());
}

/** The matrix of docs/roles.md, as written there. */
function documentedMatrix(): Record<string, Role[]> {
  const text = readFileSync(join(__dirname, '../../../../docs/roles.md'), 'utf8');
  const table = text.slice(text.indexOf('<!-- matrix:start -->'), text.indexOf('<!-- matrix:end -->'));
  const lines = table.split('\n').filter((line) => line.startsWith('| `'));
  const columns: Role[] = ['admin', 'finance', 'risk', 'compliance', 'support'];
  return Object.fromEntries(
    lines.map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const permission = (cells[0] ?? '').replaceAll('`', '');
      return [permission, columns.filter((_role, index) => cells[index + 1] === 'x')];
    }),
  );
}

describe('admin: staff roles, second factor and the route matrix (e2e, ADR 0018)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let routes: StaffRoute[];
  const staff = new Map<Role, SignedIn>();
  let player: SignedIn;
  let withoutMfa: SignedIn;

  beforeAll(async () => {
    environment = await createTestEnvironment('admin-access', {
      ADMIN_EMAIL: adminEmail,
      AUTH_RATE_LIMIT_PER_IP: '5000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '5000',
    });
    app = await startTestApp(environment.config);
    routes = staffRoutesOf(app);
    for (const role of STAFF_ROLES) staff.set(role, await signInAsStaff(app, adminEmail, role));
    player = await signIn(app);
    withoutMfa = await signIn(app);
    await grantRole(app, staff.get('admin') as SignedIn, withoutMfa.userId, 'finance');
    // Five staff accounts enrol TOTP and sign in through MailDev: half a minute on a loaded 2-core machine.
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  const call = (route: StaffRoute, who: SignedIn) =>
    app.inject({
      method: route.method as 'GET',
      url: concrete(route.path),
      headers: bearer(who.accessToken),
      payload: route.method === 'GET' ? undefined : {},
    });

  it('documents the permission matrix exactly as the code defines it', () => {
    const code = Object.fromEntries(Object.entries(STAFF_PERMISSIONS).map(([key, roles]) => [key, [...roles]]));
    expect(documentedMatrix()).toEqual(code);
  });

  it('finds every staff route in the route table, each naming the permission decided for it', () => {
    const found = Object.fromEntries(routes.map((route) => [`${route.method} ${route.path}`, route.permission]));
    expect(found).toEqual(EXPECTED_ROUTES);
    for (const route of routes) {
      expect(route.roles).toEqual([...STAFF_PERMISSIONS[route.permission as keyof typeof STAFF_PERMISSIONS]]);
    }
  });

  it('lets each role through exactly the routes of its permissions, and refuses the others with FORBIDDEN', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const route of routes) {
      const allowed =
        STAFF_PERMISSIONS[EXPECTED_ROUTES[`${route.method} ${route.path}`] as keyof typeof STAFF_PERMISSIONS];
      for (const role of STAFF_ROLES) {
        const response = await call(route, staff.get(role) as SignedIn);
        const code = response.statusCode === 403 ? response.json<ErrorBody>().error.code : 'through';
        outcomes.push(`${role} ${route.method} ${route.path}: ${code === 'FORBIDDEN' ? 'forbidden' : 'through'}`);
        expect(code).not.toBe('STAFF_MFA_REQUIRED');
        expected.push(
          `${role} ${route.method} ${route.path}: ${(allowed as readonly Role[]).includes(role) ? 'through' : 'forbidden'}`,
        );
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('refuses every staff route to a staff member whose session passed no second factor, and to players', async () => {
    for (const route of routes) {
      const noMfa = await call(route, withoutMfa);
      expect([route.path, noMfa.statusCode, noMfa.json<ErrorBody>().error.code]).toEqual([
        route.path,
        403,
        'STAFF_MFA_REQUIRED',
      ]);
      const asPlayer = await call(route, player);
      expect([route.path, asPlayer.statusCode, asPlayer.json<ErrorBody>().error.code]).toEqual([
        route.path,
        403,
        'FORBIDDEN',
      ]);
      const anonymous = await app.inject({ method: route.method as 'GET', url: concrete(route.path) });
      expect([route.path, anonymous.statusCode]).toEqual([route.path, 401]);
    }
    // Enrolment stays open to them.
    const setup = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/2fa/totp/setup',
      headers: bearer(withoutMfa.accessToken),
    });
    expect(setup.statusCode).toBe(201);
  });

  it('does not take an SMS code as the second factor of a staff session', async () => {
    const account = await app.get(UserDirectory).findById(withoutMfa.userId);
    if (!account) throw new Error('no account');
    const origin = { ip: '203.0.113.8', userAgent: 'jest' };
    // A session that passed SMS, as the auth module records a sign-in challenge answered by text message.
    const sms = await app.get(SessionService).start(account, 'email', origin, true, 'sms');
    const route = routes.find((candidate) => candidate.path === '/api/v1/admin/me') as StaffRoute;
    const answer = await call(route, { ...withoutMfa, accessToken: sms.accessToken });
    expect(answer.json<ErrorBody>().error.code).toBe('STAFF_MFA_REQUIRED');
  });

  it('documents every staff route in the OpenAPI document, each operation once, behind the bearer scheme', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs-json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<{
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>;
    }>();
    expect(document.openapi).toMatch(/^3\./);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operation })),
    );
    const documented = new Set(operations.map(({ key }) => key));
    for (const route of routes) {
      expect(documented).toContain(`${route.method} ${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    }
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    const staffOperations = operations.filter(({ key }) => key.includes('/api/v1/admin'));
    expect(staffOperations.filter(({ operation }) => !operation.security)).toEqual([]);
  });

  it('names an audit action for every staff write route', () => {
    const writes = routes.filter((route) => route.method !== 'GET').map((route) => `${route.method} ${route.path}`);
    expect(writes.sort()).toEqual(Object.keys(WRITE_AUDITS).sort());
  });
});
