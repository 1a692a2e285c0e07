import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/common/audit/audit-log';
import { SecurityEventRepository } from '../../src/modules/auth/security-events/security-event.repository';
import { PaymentSecurityEvents } from '../../src/modules/payment/payment-security-events';
import { UserDirectory } from '../../src/modules/user/user-directory';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { bearer, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

interface ErrorBody {
  error: { code: string };
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface PlayerSummary {
  id: string;
  email: string | null;
  status: string;
  kycStatus: string | null;
  selfExcluded: boolean;
  tags: string[];
}

/** Finding players, the player 360, notes and tags, the audit log and the one security feed (docs/roles.md). */
describe('admin: players, audit log and security feed (e2e, ADR 0018)', () => {
  const adminEmail = uniqueEmail('admin');
  const label = randomUUID().slice(0, 8);
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let db: DataSource;
  let support: SignedIn;
  let compliance: SignedIn;
  const players: string[] = [];

  beforeAll(async () => {
    environment = await createTestEnvironment('admin-players', { ADMIN_EMAIL: adminEmail });
    app = await startTestApp(environment.config);
    db = app.get(DataSource);
    support = await signInAsStaff(app, adminEmail, 'support');
    compliance = await signInAsStaff(app, adminEmail, 'compliance');
    // Seven players registered one after another; the details a player would set through the profile routes
    // are written directly (this suite is about finding them).
    for (let index = 0; index < 7; index += 1) {
      const { account } = await app
        .get(UserDirectory)
        .findOrRegisterByEmail(`${label}-${index}@example.test`, { ip: null, userAgent: 'jest' });
      await db.query(
        `UPDATE users SET first_name = $2, last_name = $3, phone = $4, country = $5, created_at = now() - make_interval(mins => $6)
          WHERE id = $1`,
        [
          account.id,
          index % 2 === 0 ? 'Anna' : 'Boris',
          `Kowalski${label}`,
          `+4915${label.replace(/\D/g, '').padEnd(6, '1').slice(0, 6)}${index}`,
          index < 4 ? 'DE' : 'PL',
          10 - index,
        ],
      );
      players.push(account.id);
    }
    await db.query(
      `INSERT INTO rg_exclusions (user_id, kind, period, starts_at, ends_at, actor_id, created_at)
       VALUES ($1, 'self_exclusion', '6m', now() - interval '1 day', now() + interval '180 days', $2, now())`,
      [players[1], players[1]],
    );
    // Two staff accounts enrol TOTP through MailDev: longer than Jest's 30 s on a loaded 2-core machine.
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  const get = <T>(url: string, who: SignedIn = compliance) =>
    app.inject({ method: 'GET', url, headers: bearer(who.accessToken) }).then((response) => {
      if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${response.body}`);
      return response.json<T>();
    });

  /** Every page of a search, following the cursors. */
  async function allPages(query: string, limit: number): Promise<PlayerSummary[]> {
    const found: PlayerSummary[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<PlayerSummary> = await get<Page<PlayerSummary>>(
        `/api/v1/admin/players?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      found.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return found;
  }

  it('finds a player by id, email prefix, phone prefix, Telegram id and name fragment', async () => {
    const [first] = players;
    expect((await get<Page<PlayerSummary>>(`/api/v1/admin/players?q=${first}`)).items.map((p) => p.id)).toEqual([
      first,
    ]);
    const byEmail = await get<Page<PlayerSummary>>(`/api/v1/admin/players?q=${encodeURIComponent(`${label}-3@`)}`);
    expect(byEmail.items.map((p) => p.email)).toEqual([`${label}-3@example.test`]);
    const [row] = (await db.query(`SELECT phone FROM users WHERE id = $1`, [players[5]])) as { phone: string }[];
    const byPhone = await get<Page<PlayerSummary>>(`/api/v1/admin/players?q=${encodeURIComponent(row?.phone ?? '')}`);
    expect(byPhone.items.map((p) => p.id)).toEqual([players[5]]);
    await db.query(`UPDATE users SET telegram_id = '987654321012' WHERE id = $1`, [players[6]]);
    expect((await get<Page<PlayerSummary>>(`/api/v1/admin/players?q=987654321012`)).items.map((p) => p.id)).toEqual([
      players[6],
    ]);
    const byName = await allPages(`q=${encodeURIComponent(`owalski${label}`)}`, 50);
    expect(byName.map((p) => p.id)).toEqual([...players].reverse());
    // `%` and `_` are text, not patterns.
    expect((await get<Page<PlayerSummary>>(`/api/v1/admin/players?q=%25`)).items).toEqual([]);
  });

  it('pages the newest first with a stable keyset cursor, with filters', async () => {
    const everyOne = await allPages(`q=${label}`, 2);
    expect(everyOne.map((p) => p.id)).toEqual([...players].reverse());
    expect((await allPages(`q=${label}&country=PL`, 2)).map((p) => p.id)).toEqual(players.slice(4).reverse());
    expect((await allPages(`q=${label}&selfExcluded=true`, 2)).map((p) => p.id)).toEqual([players[1]]);
    expect(await allPages(`q=${label}&selfExcluded=false&kycStatus=not_started`, 3)).toHaveLength(6);
    expect(await allPages(`q=${label}&blocked=true`, 3)).toEqual([]);
    const bad = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/players?cursor=not-a-cursor',
      headers: bearer(support.accessToken),
    });
    expect(bad.json<ErrorBody>().error.code).toBe('ADMIN_CURSOR_INVALID');
  });

  it('keeps staff notes and tags, audited, and shows them with everything else in the player 360', async () => {
    const playerId = players[2] as string;
    await app.get(WalletService).openWallet(playerId, 'EUR');
    const note = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/players/${playerId}/notes`,
      headers: bearer(support.accessToken),
      payload: { text: 'Asked about the bonus terms by phone' },
    });
    expect(note.statusCode).toBe(201);
    const tags = await app.inject({
      method: 'PUT',
      url: `/api/v1/admin/players/${playerId}/tags`,
      headers: bearer(support.accessToken),
      payload: { tags: ['vip', 'callback', 'vip'], reason: 'account manager asked' },
    });
    expect(tags.json()).toEqual({ tags: ['callback', 'vip'] });
    const badTag = await app.inject({
      method: 'PUT',
      url: `/api/v1/admin/players/${playerId}/tags`,
      headers: bearer(support.accessToken),
      payload: { tags: ['Not A Tag'], reason: 'testing' },
    });
    expect(badTag.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');

    const view = await get<Record<string, unknown>>(`/api/v1/admin/players/${playerId}`);
    expect(Object.keys(view).sort()).toEqual(
      [
        'auditTrail',
        'gameSessions',
        'kyc',
        'notes',
        'payments',
        'profile',
        'responsibleGaming',
        'securityEvents',
        'signInSessions',
        'tags',
        'wallets',
      ].sort(),
    );
    expect(view).toMatchObject({
      profile: { id: playerId, email: `${label}-2@example.test`, status: 'active', roles: ['player'] },
      tags: ['callback', 'vip'],
      notes: [{ text: 'Asked about the bonus terms by phone', authorId: support.userId }],
      wallets: [
        { currency: 'EUR', balances: { cash: '0', bonus: '0', held: '0', available: '0' }, lastTransactions: [] },
      ],
    });
    const trail = (view.auditTrail as { action: string; details: Record<string, unknown> }[]).map((row) => row.action);
    expect(trail).toEqual(expect.arrayContaining(['player.note.add', 'player.tags.replace']));
    const tagAudit = (view.auditTrail as { action: string; details: Record<string, unknown> }[]).find(
      (row) => row.action === 'player.tags.replace',
    );
    expect(tagAudit?.details).toMatchObject({
      reason: 'account manager asked',
      before: { tags: [] },
      after: { tags: ['callback', 'vip'] },
    });
    const views = (await db.query(`SELECT actor_id FROM audit_log WHERE action = 'player.view' AND target_id = $1`, [
      playerId,
    ])) as { actor_id: string }[];
    expect(views).toEqual([{ actor_id: compliance.userId }]);
    const missing = await app.inject({
      method: 'GET',
      url: `/api/v1/admin/players/${randomUUID()}`,
      headers: bearer(support.accessToken),
    });
    expect(missing.json<ErrorBody>().error.code).toBe('USER_NOT_FOUND');
  });

  it('masks personal data for roles without players.pii, and lets them search by whole values only', async () => {
    const playerId = players[0] as string;
    await db.query(`UPDATE users SET telegram_id = '5550001234', birth_date = '1990-04-02' WHERE id = $1`, [playerId]);
    // As a Telegram link records it: the id in the security event, the id and username in the audit record.
    const origin = { ip: '198.51.100.9', userAgent: 'jest' };
    await app
      .get(SecurityEventRepository)
      .record({ kind: 'telegram.linked', userId: playerId, origin, details: { telegramId: '5550001234' } });
    await app.get(AuditLog).record({
      actorId: playerId,
      actorRoles: ['player'],
      action: 'user.telegram.link',
      targetType: 'user',
      targetId: playerId,
      details: { telegramId: '5550001234', username: 'anna_k_telegram' },
    });
    const [stored] = (await db.query(`SELECT email, phone FROM users WHERE id = $1`, [playerId])) as {
      email: string;
      phone: string;
    }[];
    if (!stored) throw new Error('no player');
    const raw = {
      email: stored.email,
      phone: stored.phone,
      telegramId: '5550001234',
      firstName: 'Anna',
      lastName: `Kowalski${label}`,
    };
    const masked = {
      email: `${label[0]}***@example.test`,
      phone: `${stored.phone.slice(0, 3)}${'*'.repeat(stored.phone.length - 5)}${stored.phone.slice(-2)}`,
      telegramId: '********34',
      firstName: 'A***',
      lastName: 'K***',
    };
    const roles: Record<string, SignedIn> = {
      admin: await signInAsStaff(app, adminEmail),
      risk: await signInAsStaff(app, adminEmail, 'risk'),
      compliance,
      finance: await signInAsStaff(app, adminEmail, 'finance'),
      support,
    };
    const seen: Record<string, unknown> = {};
    for (const [role, who] of Object.entries(roles)) {
      // Exact email and exact phone work for every role (support types what the player says); the answer is masked.
      const byEmail = await get<Page<Record<string, unknown>>>(
        `/api/v1/admin/players?q=${encodeURIComponent(stored.email.toUpperCase())}`,
        who,
      );
      const byPhone = await get<Page<Record<string, unknown>>>(
        `/api/v1/admin/players?q=${encodeURIComponent(stored.phone)}`,
        who,
      );
      expect(byPhone.items).toEqual(byEmail.items);
      const view = await get<{ profile: Record<string, unknown> }>(`/api/v1/admin/players/${playerId}`, who);
      const pick = (row: Record<string, unknown> | undefined) => ({
        email: row?.['email'],
        phone: row?.['phone'],
        telegramId: row?.['telegramId'],
        firstName: row?.['firstName'],
        lastName: row?.['lastName'],
      });
      expect(pick(byEmail.items[0])).toEqual(pick(view.profile));
      const whole = JSON.stringify(view);
      const found = [stored.email, stored.phone, '5550001234', 'anna_k_telegram', `Kowalski${label}`, '1990-04-02'];
      expect([role, found.filter((value) => whole.includes(value))]).toEqual([
        role,
        ['finance', 'support'].includes(role) ? [] : found,
      ]);
      seen[role] = { ...pick(view.profile), birthDate: view.profile['birthDate'] };
    }
    const unmasked = { ...raw, birthDate: '1990-04-02' };
    const hidden = { ...masked, birthDate: '****-**-**' };
    expect(seen).toEqual({ admin: unmasked, risk: unmasked, compliance: unmasked, finance: hidden, support: hidden });

    // A prefix or a name fragment would let masked answers spell the data out: refused to the masked roles only.
    for (const q of [`${label}-0@`, 'Anna']) {
      const refused = await app.inject({
        method: 'GET',
        url: `/api/v1/admin/players?q=${encodeURIComponent(q)}`,
        headers: bearer(support.accessToken),
      });
      expect([q, refused.statusCode, refused.json<ErrorBody>().error.code]).toEqual([
        q,
        403,
        'PLAYER_SEARCH_EXACT_ONLY',
      ]);
      expect((await get<Page<PlayerSummary>>(`/api/v1/admin/players?q=${encodeURIComponent(q)}`)).items.length).toBe(
        q === 'Anna' ? 4 : 1,
      );
    }
    // A shorter number is taken whole: it finds no one for support, and every player it starts for compliance.
    const prefix = encodeURIComponent(stored.phone.slice(0, -1));
    expect((await get<Page<PlayerSummary>>(`/api/v1/admin/players?q=${prefix}`, support)).items).toEqual([]);
    expect((await get<Page<PlayerSummary>>(`/api/v1/admin/players?q=${prefix}`)).items).toHaveLength(7);
    // The read of a 360 says whether it showed the data masked.
    const views = (await db.query(
      `SELECT actor_id, details->>'masked' AS masked FROM audit_log WHERE action = 'player.view' AND target_id = $1`,
      [playerId],
    )) as { actor_id: string; masked: string }[];
    expect(Object.fromEntries(views.map((row) => [row.actor_id, row.masked]))).toEqual({
      [roles['admin']?.userId as string]: 'false',
      [roles['risk']?.userId as string]: 'false',
      [compliance.userId]: 'false',
      [roles['finance']?.userId as string]: 'true',
      [support.userId]: 'true',
    });
  }, 120_000);

  it('reads the audit log with filters and cursor pages', async () => {
    const playerId = players[3] as string;
    for (const text of ['first', 'second', 'third']) {
      await app.inject({
        method: 'POST',
        url: `/api/v1/admin/players/${playerId}/notes`,
        headers: bearer(support.accessToken),
        payload: { text },
      });
    }
    const first = await get<Page<{ action: string; details: { after: { text: string } } }>>(
      `/api/v1/admin/audit-log?targetId=${playerId}&action=player.note.add&limit=2`,
      compliance,
    );
    expect(first.items.map((row) => row.details.after.text)).toEqual(['third', 'second']);
    const second = await get<Page<{ details: { after: { text: string } } }>>(
      `/api/v1/admin/audit-log?targetId=${playerId}&action=player.note.add&limit=2&cursor=${first.nextCursor}`,
      compliance,
    );
    expect(second.items.map((row) => row.details.after.text)).toEqual(['first']);
    expect(second.nextCursor).toBeNull();
    const denied = await app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit-log',
      headers: bearer(support.accessToken),
    });
    expect(denied.json<ErrorBody>().error.code).toBe('FORBIDDEN');
  });

  it('shows auth and payment security events in one feed, filterable by kind, source, player and IP', async () => {
    const playerId = players[4] as string;
    await app.get(SecurityEventRepository).record({
      kind: 'sign_in.failed',
      userId: playerId,
      origin: { ip: '198.51.100.23', userAgent: 'jest' },
    });
    await app.get(PaymentSecurityEvents).record({
      kind: 'webhook.signature_invalid',
      provider: 'sandbox',
      ip: '198.51.100.23',
      details: { reason: 'test' },
    });
    type Item = { id: string; source: string; kind: string; userId: string | null; ip: string | null };
    const byIp = await get<Page<Item>>(`/api/v1/admin/security-feed?ip=198.51.100.23`, compliance);
    expect(byIp.items.map((item) => [item.source, item.kind])).toEqual([
      ['payment', 'webhook.signature_invalid'],
      ['auth', 'sign_in.failed'],
    ]);
    expect(byIp.items.every((item) => /^(auth|payment):[0-9a-f-]{36}$/.test(item.id))).toBe(true);
    const bySource = await get<Page<Item>>(`/api/v1/admin/security-feed?ip=198.51.100.23&source=auth`, compliance);
    expect(bySource.items.map((item) => item.kind)).toEqual(['sign_in.failed']);
    const byPlayer = await get<Page<Item>>(
      `/api/v1/admin/security-feed?userId=${playerId}&kind=sign_in.failed`,
      compliance,
    );
    expect(byPlayer.items.map((item) => [item.kind, item.userId])).toEqual([['sign_in.failed', playerId]]);
    const paged = await get<Page<Item>>(`/api/v1/admin/security-feed?ip=198.51.100.23&limit=1`, compliance);
    const rest = await get<Page<Item>>(
      `/api/v1/admin/security-feed?ip=198.51.100.23&limit=1&cursor=${paged.nextCursor}`,
      compliance,
    );
    expect([...paged.items, ...rest.items].map((item) => item.id)).toEqual(byIp.items.map((item) => item.id));

    const dashboard = await get<{
      pendingApprovals: { adjustments: number; withdrawals: number };
      latestSecurityEvents: Item[];
      kpis: { available: boolean };
    }>('/api/v1/admin/dashboard');
    expect(dashboard.pendingApprovals).toEqual({ adjustments: 0, withdrawals: 0 });
    expect(dashboard.latestSecurityEvents[0]).toMatchObject({ kind: 'webhook.signature_invalid' });
    // The report module binds the KPI port (report-measures.e2e-spec checks its figures).
    expect(dashboard.kpis).toMatchObject({ available: true, timeZone: 'UTC', provisional: true });
  });
});
