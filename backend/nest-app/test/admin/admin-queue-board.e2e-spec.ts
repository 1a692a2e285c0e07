import { QUEUE_NAMES } from '@casino/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { JwtService } from '@nestjs/jwt';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { bearer, grantRole, signIn, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

interface ErrorBody {
  error: { code: string };
}

const QUEUES_API = '/admin/queues/api/queues?activeQueue=&page=1&jobsPerPage=10';

describe('admin: the read-only queue board behind a staff ticket (e2e, ADR 0027)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let admin: SignedIn;
  let support: SignedIn;
  let player: SignedIn;

  beforeAll(async () => {
    environment = await createTestEnvironment('queue-board', {
      ADMIN_EMAIL: adminEmail,
      AUTH_RATE_LIMIT_PER_IP: '5000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '5000',
    });
    app = await startTestApp(environment.config);
    admin = await signInAsStaff(app, adminEmail, 'admin');
    support = await signInAsStaff(app, adminEmail, 'support');
    player = await signIn(app);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  const openBoard = (who?: SignedIn) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/admin/queues/board-session',
      headers: who ? bearer(who.accessToken) : {},
    });
  const ticketOf = (setCookie: string | string[] | undefined): string => {
    const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie) ?? '';
    return cookie.split(';')[0] ?? '';
  };
  const board = (cookie: string | undefined, url = QUEUES_API, method: 'GET' | 'PUT' = 'GET') =>
    app.inject({ method, url, headers: cookie ? { cookie } : {} });

  it('lets a staff member with queues.view open the board and see every queue, and audits the opening', async () => {
    const opened = await openBoard(admin);
    expect(opened.statusCode).toBe(200);
    expect(opened.json()).toEqual({ url: '/admin/queues/', expiresInSeconds: 600 });
    const setCookie = String(opened.headers['set-cookie']);
    expect(setCookie).toMatch(/^casino_queue_board=[\w-]+\.[\w-]+\.[\w-]+; /);
    for (const attribute of ['Path=/admin/queues', 'Max-Age=600', 'HttpOnly', 'SameSite=Strict']) {
      expect(setCookie).toContain(attribute);
    }

    const queues = await board(ticketOf(opened.headers['set-cookie']));
    expect(queues.statusCode).toBe(200);
    const body = queues.json<{ queues: { name: string; readOnlyMode: boolean }[] }>();
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(
      [...QUEUE_NAMES, 'report-schedules', 'game-catalog'].sort(),
    );
    expect(body.queues.every((queue) => queue.readOnlyMode)).toBe(true);
    const page = await board(ticketOf(opened.headers['set-cookie']), '/admin/queues/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);

    const audit = (await app
      .get(DataSource)
      .query(`SELECT actor_id, target_type FROM audit_log WHERE action = 'queue.board.open'`)) as {
      actor_id: string;
      target_type: string;
    }[];
    expect(audit).toEqual([{ actor_id: admin.userId, target_type: 'queue_board' }]);
  });

  it('shows jobs without the texts, codes and tokens of their data', async () => {
    const queue = app.get<Queue>(getQueueToken('analytics'), { strict: false });
    await queue.add('board-redaction-probe', {
      template: 'board-probe',
      text: 'Your code is 482913',
      params: { code: '482913', resetToken: 'board-token-secret' },
    });
    const ticket = ticketOf((await openBoard(admin)).headers['set-cookie']);
    const shown = await board(
      ticket,
      '/admin/queues/api/queues?activeQueue=analytics&status=waiting&page=1&jobsPerPage=50',
    );
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('board-probe');
    expect(shown.body).not.toContain('482913');
    expect(shown.body).not.toContain('board-token-secret');
  });

  it('refuses every action on the board, even with a valid ticket', async () => {
    const ticket = ticketOf((await openBoard(admin)).headers['set-cookie']);
    const retry = await board(ticket, `/admin/queues/api/queues/${QUEUE_NAMES[0]}/retry/failed`, 'PUT');
    expect(retry.statusCode).toBe(405);
    expect(retry.json<ErrorBody>().error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('refuses staff without queues.view (403), a player (403) and anonymous callers (401)', async () => {
    const refusedStaff = await openBoard(support);
    expect([refusedStaff.statusCode, refusedStaff.json<ErrorBody>().error.code]).toEqual([403, 'FORBIDDEN']);
    expect(refusedStaff.headers['set-cookie']).toBeUndefined();
    const refusedPlayer = await openBoard(player);
    expect([refusedPlayer.statusCode, refusedPlayer.json<ErrorBody>().error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await openBoard()).statusCode).toBe(401);
  });

  it('refuses the board without a ticket, with a forged or expired one, and with an access token in its place', async () => {
    const jwt = new JwtService();
    const forged = await jwt.signAsync(
      { sid: 'x' },
      { subject: admin.userId, audience: 'casino-queue-board', secret: 'not-the-secret', expiresIn: 600 },
    );
    const expired = await jwt.signAsync(
      { sid: 'x', exp: Math.floor(Date.now() / 1000) - 10 },
      { subject: admin.userId, audience: 'casino-queue-board', secret: environment.config.JWT_SECRET },
    );
    for (const cookie of [
      undefined,
      `casino_queue_board=${forged}`,
      `casino_queue_board=${expired}`,
      `casino_queue_board=${admin.accessToken}`,
    ]) {
      for (const url of [QUEUES_API, '/admin/queues/']) {
        const refused = await board(cookie, url);
        expect([url, refused.statusCode, refused.json<ErrorBody>().error.code]).toEqual([url, 401, 'UNAUTHENTICATED']);
      }
    }
    // A bearer token alone does not open the board either.
    const withBearer = await app.inject({ method: 'GET', url: QUEUES_API, headers: bearer(admin.accessToken) });
    expect(withBearer.statusCode).toBe(401);
  });

  it('closes the board at once when the role is revoked (403) or the session ends (401)', async () => {
    const staff = await signInAsStaff(app, adminEmail, 'finance');
    await grantRole(app, admin, staff.userId, 'admin');
    const ticket = ticketOf((await openBoard(staff)).headers['set-cookie']);
    expect((await board(ticket)).statusCode).toBe(200);

    const revoked = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/users/${staff.userId}/roles/admin`,
      headers: bearer(admin.accessToken),
      payload: {},
    });
    expect(revoked.statusCode).toBe(200);
    const afterRevoke = await board(ticket);
    expect([afterRevoke.statusCode, afterRevoke.json<ErrorBody>().error.code]).toEqual([403, 'FORBIDDEN']);

    await grantRole(app, admin, staff.userId, 'admin');
    const again = ticketOf((await openBoard(staff)).headers['set-cookie']);
    expect((await board(again)).statusCode).toBe(200);
    const logout = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(staff.accessToken) });
    expect(logout.statusCode).toBe(204);
    expect((await board(again)).statusCode).toBe(401);
  });
});
