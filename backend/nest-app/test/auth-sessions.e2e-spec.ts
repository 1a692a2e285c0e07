import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditLog } from '../src/common/audit/audit-log';
import { SessionService } from '../src/modules/auth/sessions/session.service';
import { UserDirectory } from '../src/modules/user/user-directory';
import { dataCheckString } from '../src/modules/auth/telegram/telegram-verification';
import type { Role } from '../src/common/auth/roles';
import {
  bearer,
  passSecondFactor,
  signIn,
  signInAsStaff,
  signInWithTotp,
  uniqueEmail,
  userIdOf,
  type SignedIn,
} from './support/sign-in';
import { startTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

interface ErrorBody {
  error: { code: string };
}
interface Tokens {
  accessToken: string;
  refreshToken: string;
}
interface SessionAuditRow {
  action: string;
  actor_id: string;
  actor_roles: string[];
  target_type: string;
  target_id: string;
  ip: string | null;
  user_agent: string | null;
  details: { reason: string; note?: string; count: number; sessionIds: string[] };
}
/** Where the audited revocations come from. */
const CLIENT = { ip: '198.51.100.61', userAgent: 'session-audit-test/1.0' };

// Telegram rules: /work/shared/reference/auth.md. A bot token of this test only.
const BOT_TOKEN = '987654321:AAtestBotTokenForAuthSessionsSuite_x1';

/** The `sid` claim of an access token (not verified: the app does that). */
function sessionIdOf(accessToken: string): string {
  return (JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }).sid;
}

function widgetPayload(id: number, authDate: number): Record<string, string | number> {
  const fields = { id: String(id), first_name: 'Tele', username: `tg${id}`, auth_date: String(authDate) };
  const hash = createHmac('sha256', createHash('sha256').update(BOT_TOKEN).digest())
    .update(dataCheckString(fields))
    .digest('hex');
  return { id, first_name: 'Tele', username: `tg${id}`, auth_date: authDate, hash };
}

function initData(id: number, authDate: number): string {
  const fields = { auth_date: String(authDate), query_id: 'AAHtest', user: JSON.stringify({ id, first_name: 'Mini' }) };
  const secret = createHmac('sha256', 'WebAppData').update(BOT_TOKEN).digest();
  const hash = createHmac('sha256', secret).update(dataCheckString(fields)).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
}

describe('auth: refresh rotation, sessions and Telegram (e2e)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  const now = (): number => Math.floor(Date.now() / 1000);
  const adminEmail = uniqueEmail('admin');

  beforeAll(async () => {
    environment = await createTestEnvironment('authsessions', {
      ADMIN_EMAIL: adminEmail,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      // Staff sessions pass TOTP through the (throttled) 2FA endpoints too: room for them beside the sign-ins.
      AUTH_RATE_LIMIT_PER_IP: '400',
    });
    app = await startTestApp(environment.config);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  const refresh = (refreshToken: string) =>
    app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });
  const sessions = (accessToken: string) =>
    app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: bearer(accessToken) });

  it('rotates refresh tokens; reusing a rotated one revokes the family and its access tokens at once', async () => {
    const first = await signIn(app);
    const rotated = await refresh(first.refreshToken);
    expect(rotated.statusCode).toBe(200);
    const second = rotated.json<Tokens>();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await sessions(second.accessToken)).statusCode).toBe(200);

    const reuse = await refresh(first.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json<ErrorBody>().error.code).toBe('REFRESH_TOKEN_REUSED');
    // The whole family is dead: the newest refresh token and every access token of the session.
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
    expect((await sessions(second.accessToken)).statusCode).toBe(401);
    expect((await sessions(first.accessToken)).statusCode).toBe(401);

    const events: { kind: string; user_id: string }[] = await app
      .get(DataSource)
      .query(`SELECT kind, user_id FROM security_events WHERE kind = 'refresh_token.reused'`);
    expect(events).toEqual([{ kind: 'refresh_token.reused', user_id: first.userId }]);
    expect(await systemRevocationsOf(first.userId)).toEqual([
      {
        action: 'user.session.revoke',
        actor_id: null,
        actor_roles: ['system'],
        details: { reason: 'refresh-token-reused', count: 1, sessionIds: [sessionIdOf(first.accessToken)] },
      },
    ]);
  });

  it('ends the session of an account no longer active at its refresh, audited as the system', async () => {
    const player = await signIn(app);
    await app.get(DataSource).query(`UPDATE users SET status = 'blocked' WHERE id = $1`, [player.userId]);
    const refused = await refresh(player.refreshToken);
    expect(refused.statusCode).toBe(403);
    expect(refused.json<ErrorBody>().error.code).toBe('ACCOUNT_NOT_ACTIVE');
    expect((await sessions(player.accessToken)).statusCode).toBe(401);
    expect(await systemRevocationsOf(player.userId)).toEqual([
      {
        action: 'user.session.revoke',
        actor_id: null,
        actor_roles: ['system'],
        details: { reason: 'account-inactive', count: 1, sessionIds: [sessionIdOf(player.accessToken)] },
      },
    ]);
    const events: { kind: string; details: Record<string, unknown> }[] = await app
      .get(DataSource)
      .query(`SELECT kind, details FROM security_events WHERE user_id = $1 AND kind = 'session.revoked'`, [
        player.userId,
      ]);
    expect(events).toEqual([{ kind: 'session.revoked', details: { by: 'system', reason: 'account-inactive' } }]);
  });

  async function systemRevocationsOf(userId: string): Promise<unknown[]> {
    return app.get(DataSource).query(
      `SELECT action, actor_id, actor_roles, details FROM audit_log
       WHERE target_id = $1 AND action LIKE 'user.session.%' ORDER BY occurred_at, id`,
      [userId],
    );
  }

  it('shows security events to risk staff, by kind or by player, and to nobody else', async () => {
    const player = await signIn(app);
    await refresh(player.refreshToken);
    await refresh(player.refreshToken); // reuse of a rotated token
    const risk = await signInAsStaff(app, adminEmail, 'risk');
    const read = (query: string, accessToken: string) =>
      app.inject({ method: 'GET', url: `/api/v1/admin/security-events${query}`, headers: bearer(accessToken) });

    const reused = await read('?kind=refresh_token.reused', risk.accessToken);
    expect(reused.statusCode).toBe(200);
    const items = reused.json<{ items: { kind: string; userId: string; ip: string | null }[] }>().items;
    expect(items.map((item) => item.kind)).toEqual(items.map(() => 'refresh_token.reused'));
    expect(items.some((item) => item.userId === player.userId)).toBe(true);

    const ofPlayer = await read(`?userId=${player.userId}`, risk.accessToken);
    const kinds = ofPlayer.json<{ items: { kind: string }[] }>().items.map((item) => item.kind);
    expect(kinds).toEqual(expect.arrayContaining(['sign_in.succeeded', 'refresh_token.reused']));

    // (The player's own session died with the reuse; another player is signed in to be refused.)
    expect((await read('', (await signIn(app)).accessToken)).statusCode).toBe(403);
    expect((await read('?kind=not.a.kind', risk.accessToken)).json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses an unknown refresh token', async () => {
    const response = await refresh('x'.repeat(43));
    expect(response.json<ErrorBody>().error.code).toBe('REFRESH_TOKEN_INVALID');
  });

  /** A second session of the same account: link a Telegram id, then sign in with it from another device. */
  async function secondDevice(player: { accessToken: string }, telegramId: number): Promise<Tokens> {
    const link = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/telegram/link',
      headers: bearer(player.accessToken),
      payload: widgetPayload(telegramId, now()),
    });
    expect(link.statusCode).toBe(204);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/telegram',
      headers: { 'user-agent': 'TabletApp/2.0' },
      payload: widgetPayload(telegramId, now()),
    });
    expect(response.statusCode).toBe(200);
    return response.json<Tokens>();
  }

  it('lists sessions with device, IP and current flag; ending one stops its access token at once', async () => {
    const phone = await signIn(app);
    const tablet = await secondDevice(phone, 8001);
    const list = await sessions(phone.accessToken);
    const items =
      list.json<{ id: string; current: boolean; ip: string; device: string; method: string; lastSeenAt: string }[]>();
    expect(items).toHaveLength(2);
    expect(items.filter((item) => item.current)).toHaveLength(1);
    const tabletSession = items.find((item) => !item.current);
    expect(tabletSession).toMatchObject({ device: 'TabletApp/2.0', ip: '127.0.0.1', method: 'telegram' });

    const stranger = await signIn(app);
    const notMine = await app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${tabletSession?.id}`,
      headers: bearer(stranger.accessToken),
    });
    expect(notMine.statusCode).toBe(404);
    expect((await sessions(tablet.accessToken)).statusCode).toBe(200);

    const end = await app.inject({
      method: 'DELETE',
      url: `/api/v1/auth/sessions/${tabletSession?.id}`,
      headers: bearer(phone.accessToken),
    });
    expect(end.statusCode).toBe(204);
    const refused = await sessions(tablet.accessToken);
    expect(refused.statusCode).toBe(401);
    expect(refused.json<ErrorBody>().error.code).toBe('UNAUTHENTICATED');
    expect((await refresh(tablet.refreshToken)).statusCode).toBe(401);
    expect((await sessions(phone.accessToken)).statusCode).toBe(200);

    const logout = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(phone.accessToken) });
    expect(logout.statusCode).toBe(204);
    expect((await sessions(phone.accessToken)).statusCode).toBe(401);
    expect((await refresh(phone.refreshToken)).statusCode).toBe(401);
  });

  it('ends every session of the account with logout-all', async () => {
    const phone = await signIn(app);
    const tablet = await secondDevice(phone, 8002);
    const all = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout-all',
      headers: bearer(tablet.accessToken),
    });
    expect(all.json<{ endedSessions: number }>().endedSessions).toBe(2);
    expect((await sessions(phone.accessToken)).statusCode).toBe(401);
    expect((await sessions(tablet.accessToken)).statusCode).toBe(401);
    const events: { kind: string }[] = await app
      .get(DataSource)
      .query(`SELECT kind FROM security_events WHERE user_id = $1 AND kind LIKE 'session.%'`, [phone.userId]);
    expect(events.map((event) => event.kind)).toEqual(['session.revoked_all']);
  });

  it('signs in with a Telegram Login Widget payload, the same account each time', async () => {
    const first = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/telegram',
      payload: widgetPayload(5001, now()),
    });
    expect(first.statusCode).toBe(200);
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/telegram',
      payload: widgetPayload(5001, now() - 10),
    });
    expect(userIdOf(again.json<Tokens>().accessToken)).toBe(userIdOf(first.json<Tokens>().accessToken));
  });

  it('refuses tampered and stale widget payloads', async () => {
    const tampered = { ...widgetPayload(5002, now()), id: 5003 };
    const refused = await app.inject({ method: 'POST', url: '/api/v1/auth/telegram', payload: tampered });
    expect(refused.statusCode).toBe(401);
    expect(refused.json<ErrorBody>().error.code).toBe('TELEGRAM_AUTH_INVALID');
    const stale = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/telegram',
      payload: widgetPayload(5002, now() - 86_401),
    });
    expect(stale.statusCode).toBe(401);
    expect(stale.json<ErrorBody>().error.code).toBe('TELEGRAM_AUTH_EXPIRED');
  });

  it('signs in with Mini App initData and refuses tampered or stale initData', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/telegram/webapp',
      payload: { initData: initData(6001, now()) },
    });
    expect(ok.statusCode).toBe(200);
    const tampered = initData(6001, now()).replace('6001', '6002');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/telegram/webapp',
      payload: { initData: tampered },
    });
    expect(bad.json<ErrorBody>().error.code).toBe('TELEGRAM_AUTH_INVALID');
    const stale = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/telegram/webapp',
      payload: { initData: initData(6001, now() - 90_000) },
    });
    expect(stale.json<ErrorBody>().error.code).toBe('TELEGRAM_AUTH_EXPIRED');
  });

  it('links Telegram to a signed-in email account; Telegram sign-in then reaches that account', async () => {
    const player = await signIn(app);
    const link = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/telegram/link',
      headers: bearer(player.accessToken),
      payload: widgetPayload(7001, now()),
    });
    expect(link.statusCode).toBe(204);
    const viaTelegram = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/telegram',
      payload: widgetPayload(7001, now()),
    });
    expect(userIdOf(viaTelegram.json<Tokens>().accessToken)).toBe(player.userId);
    const audits: unknown[] = await app
      .get(DataSource)
      .query(
        `SELECT actor_id, actor_roles, target_id, details FROM audit_log WHERE action = 'user.telegram.link' AND target_id = $1`,
        [player.userId],
      );
    expect(audits).toEqual([
      {
        actor_id: player.userId,
        actor_roles: ['player'],
        target_id: player.userId,
        details: { telegramId: '7001', username: 'tg7001' },
      },
    ]);
  });

  it('links no Telegram account without its audit record', async () => {
    const player = await signIn(app);
    const record = jest.spyOn(app.get(AuditLog), 'record').mockRejectedValueOnce(new Error('audit log unavailable'));
    try {
      const link = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/telegram/link',
        headers: bearer(player.accessToken),
        payload: widgetPayload(7002, now()),
      });
      expect(link.statusCode).toBe(500);
    } finally {
      record.mockRestore();
    }
    const profile = await app.inject({ method: 'GET', url: '/api/v1/users/me', headers: bearer(player.accessToken) });
    expect(profile.json<{ telegram: unknown }>().telegram).toBeNull();
  });
  describe('session revocations in the audit log', () => {
    /** Another session of the player, started as a sign-in would (tokens included). */
    async function anotherSession(userId: string): Promise<Tokens & { sessionId: string }> {
      const account = await app.get(UserDirectory).findById(userId);
      if (!account) throw new Error(`no account ${userId}`);
      return app.get(SessionService).start(account, 'email', { ip: '203.0.113.61', userAgent: 'jest' }, false);
    }

    const fromClient = (method: 'DELETE' | 'POST', url: string, accessToken: string) =>
      app.inject({
        method,
        url: `/api/v1/auth/${url}`,
        headers: { ...bearer(accessToken), 'user-agent': CLIENT.userAgent },
        remoteAddress: CLIENT.ip,
      });

    async function sessionAuditsOf(userId: string): Promise<SessionAuditRow[]> {
      return app.get(DataSource).query(
        `SELECT action, actor_id, actor_roles, target_type, target_id, host(ip) AS ip, user_agent, details
         FROM audit_log WHERE target_id = $1 AND action LIKE 'user.session.%' ORDER BY occurred_at, id`,
        [userId],
      );
    }

    it('audits ending a session, logging out and logout-all: who, whose, which sessions, from where; no token', async () => {
      const player = await signIn(app);
      const [other, third, fourth] = [
        await anotherSession(player.userId),
        await anotherSession(player.userId),
        await anotherSession(player.userId),
      ];
      expect((await fromClient('DELETE', `sessions/${other.sessionId}`, player.accessToken)).statusCode).toBe(204);
      expect((await fromClient('POST', 'logout', third.accessToken)).statusCode).toBe(204);
      const all = await fromClient('POST', 'logout-all', fourth.accessToken);
      expect(all.json<{ endedSessions: number }>().endedSessions).toBe(2);

      const audits = await sessionAuditsOf(player.userId);
      expect(audits.map((audit) => [audit.action, audit.details.reason, audit.details.count])).toEqual([
        ['user.session.revoke', 'owner', 1],
        ['user.session.revoke', 'logout', 1],
        ['user.session.revoke_all', 'logout-all', 2],
      ]);
      expect(audits.map((audit) => audit.details.sessionIds.slice().sort())).toEqual([
        [other.sessionId],
        [third.sessionId],
        [fourth.sessionId, sessionIdOf(player.accessToken)].sort(),
      ]);
      for (const audit of audits) {
        expect(audit).toMatchObject({
          actor_id: player.userId,
          actor_roles: ['player'],
          target_type: 'user',
          target_id: player.userId,
          ip: CLIENT.ip,
          user_agent: CLIENT.userAgent,
        });
      }
      const tokens = [player, other, third, fourth].flatMap((session) => [session.accessToken, session.refreshToken]);
      for (const token of tokens) expect(JSON.stringify(audits)).not.toContain(token);
    });

    // The admin's address may ask for a sign-in code once a minute (an earlier test used it): a session
    // is started for the admin account directly, and grants every other role here.
    let admin: SignedIn | undefined;
    async function staffWith(role: Role): Promise<SignedIn> {
      if (!admin) {
        const account = await app.get(UserDirectory).ensureAdmin(adminEmail);
        admin = { ...(await anotherSession(account.id)), userId: account.id };
        await passSecondFactor(app, admin.accessToken, account.id);
      }
      if (role === 'admin') return admin;
      const staff = await signInWithTotp(app, uniqueEmail(role));
      const granted = await app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${staff.userId}/roles`,
        headers: bearer(admin.accessToken),
        payload: { role },
      });
      expect(granted.statusCode).toBe(200);
      return staff;
    }

    const revokeByStaff = (userId: string, payload: object, accessToken: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${userId}/sessions/revoke`,
        payload,
        headers: { ...bearer(accessToken), 'user-agent': CLIENT.userAgent },
        remoteAddress: CLIENT.ip,
      });

    it.each(['admin', 'risk'] as const)(
      'lets %s staff end every session of a player: tokens dead, audited with the note, one event',
      async (role) => {
        const staff = await staffWith(role);
        const player = await signIn(app);
        const other = await anotherSession(player.userId);
        const note = `suspected takeover, ticket ${role}-42`;

        const revoked = await revokeByStaff(player.userId, { reason: note }, staff.accessToken);
        expect(revoked.statusCode).toBe(200);
        expect(revoked.json()).toEqual({ endedSessions: 2 });
        for (const session of [player, other]) {
          expect((await sessions(session.accessToken)).statusCode).toBe(401);
          expect((await refresh(session.refreshToken)).statusCode).toBe(401);
        }
        expect((await sessions(staff.accessToken)).statusCode).toBe(200);

        const audits = await sessionAuditsOf(player.userId);
        expect(audits).toHaveLength(1);
        expect(audits[0]).toMatchObject({
          action: 'user.session.revoke_all',
          actor_id: staff.userId,
          actor_roles: expect.arrayContaining([role]) as string[],
          target_type: 'user',
          target_id: player.userId,
          ip: CLIENT.ip,
          user_agent: CLIENT.userAgent,
          details: { reason: 'staff', note, count: 2 },
        });
        expect(audits[0]?.details.sessionIds.slice().sort()).toEqual(
          [sessionIdOf(player.accessToken), other.sessionId].sort(),
        );
        for (const token of [player.accessToken, player.refreshToken, other.accessToken, other.refreshToken]) {
          expect(JSON.stringify(audits)).not.toContain(token);
        }
        const events: { kind: string; details: Record<string, unknown> }[] = await app
          .get(DataSource)
          .query(`SELECT kind, details FROM security_events WHERE user_id = $1 AND kind LIKE 'session.%'`, [
            player.userId,
          ]);
        expect(events).toEqual([
          { kind: 'session.revoked_all', details: { reason: 'staff', count: 2, by: staff.userId } },
        ]);
      },
    );

    it('refuses staff revocation to other roles, for an unknown player, and without a fitting reason', async () => {
      const player = await signIn(app);
      for (const role of ['support', 'finance', 'compliance'] as const) {
        const staff = await staffWith(role);
        const refused = await revokeByStaff(player.userId, { reason: 'not mine to do' }, staff.accessToken);
        expect(refused.statusCode).toBe(403);
      }
      expect((await revokeByStaff(player.userId, { reason: 'as a player' }, player.accessToken)).statusCode).toBe(403);

      const { accessToken } = await staffWith('admin');
      const unknown = await revokeByStaff(randomUUID(), { reason: 'no such player' }, accessToken);
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json<ErrorBody>().error.code).toBe('USER_NOT_FOUND');

      for (const payload of [{}, { reason: '' }, { reason: 'ab' }, { reason: 'x'.repeat(501) }, { reason: 42 }]) {
        const invalid = await revokeByStaff(player.userId, payload, accessToken);
        expect(invalid.statusCode).toBe(400);
        expect(invalid.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
      }
      const badId = await revokeByStaff('not-a-uuid', { reason: 'bad id here' }, accessToken);
      expect(badId.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');

      expect((await sessions(player.accessToken)).statusCode).toBe(200);
      expect(await sessionAuditsOf(player.userId)).toEqual([]);
    });

    it('ends no session when its audit record cannot be written, and records no event of it', async () => {
      const player = await signIn(app);
      const other = await anotherSession(player.userId);
      const record = jest.spyOn(app.get(AuditLog), 'record').mockRejectedValue(new Error('audit log unavailable'));
      try {
        expect((await fromClient('DELETE', `sessions/${other.sessionId}`, player.accessToken)).statusCode).toBe(500);
        expect((await fromClient('POST', 'logout', player.accessToken)).statusCode).toBe(500);
        expect((await fromClient('POST', 'logout-all', player.accessToken)).statusCode).toBe(500);
      } finally {
        record.mockRestore();
      }
      expect((await sessions(other.accessToken)).statusCode).toBe(200);
      expect((await sessions(player.accessToken)).statusCode).toBe(200);
      expect((await refresh(other.refreshToken)).statusCode).toBe(200);
      const events: unknown[] = await app
        .get(DataSource)
        .query(`SELECT kind FROM security_events WHERE user_id = $1 AND kind LIKE 'session.%'`, [player.userId]);
      expect(events).toEqual([]);
    });
  });
});
