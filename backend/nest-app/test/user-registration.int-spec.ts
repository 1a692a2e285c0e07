import { EVENT_STREAMS, USER_REGISTERED } from '@casino/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PlayEligibilityService } from '../src/modules/user/eligibility/play-eligibility.service';
import { DEMO_PLAYERS, userDemoSeeder } from '../src/modules/user/user.demo-seeder';
import { UserDirectory } from '../src/modules/user/user-directory';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startUserTestApp } from './support/user-test-app';

const ORIGIN = { ip: '203.0.113.7', userAgent: 'jest', requestId: 'req-registration' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('user registration (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let directory: UserDirectory;
  let db: DataSource;

  beforeAll(async () => {
    environment = await createTestEnvironment('user-registration', { DEFAULT_CURRENCY: 'SEK' });
    ({ app } = await startUserTestApp(environment.config));
    directory = app.get(UserDirectory);
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  async function outboxRowsFor(userId: string): Promise<{ stream: string; event_type: string; envelope: unknown }[]> {
    return db.query(`SELECT stream, event_type, envelope FROM outbox_events WHERE aggregate_id = $1`, [userId]);
  }

  it('resolves 20 concurrent registrations of one email to one user and exactly one user.registered row', async () => {
    const spellings = ['Carol@Example.test', ' carol@example.test', 'CAROL@EXAMPLE.TEST'];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) => directory.findOrRegisterByEmail(spellings[index % 3], ORIGIN)),
    );
    const ids = new Set(results.map((result) => result.account.id));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    const [userId] = [...ids];
    const users = await db.query(
      `SELECT email, roles, currency, email_verified_at FROM users WHERE email ILIKE '%carol%'`,
    );
    expect(users).toEqual([
      { email: 'carol@example.test', roles: ['player'], currency: 'SEK', email_verified_at: expect.any(Date) },
    ]);
    const rows = await outboxRowsFor(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ stream: EVENT_STREAMS.USER, event_type: USER_REGISTERED });
  });

  it('writes an envelope matching the user.registered v1 contract', async () => {
    const { account } = await directory.findOrRegisterByEmail('dave@example.test', ORIGIN);
    const [row] = await outboxRowsFor(account.id);
    const envelope = row.envelope as Record<string, unknown>;
    expect(Object.keys(envelope).sort()).toEqual(
      ['aggregateId', 'correlationId', 'id', 'occurredAt', 'payload', 'type', 'version'].sort(),
    );
    expect(envelope).toEqual({
      id: expect.stringMatching(UUID),
      type: 'user.registered',
      version: 1,
      occurredAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      aggregateId: account.id,
      correlationId: 'req-registration',
      payload: {
        userId: account.id,
        email: 'dave@example.test',
        currency: 'SEK',
        registeredAt: account.createdAt.toISOString(),
      },
    });
  });

  it('resolves concurrent Telegram registrations to one user, and finds it again without a new event', async () => {
    const identity = { telegramId: '777000111', username: 'erin', firstName: 'Erin' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => directory.findOrRegisterByTelegram(identity, ORIGIN)),
    );
    expect(new Set(results.map((result) => result.account.id)).size).toBe(1);
    const again = await directory.findOrRegisterByTelegram({ ...identity, username: 'erin_new' }, ORIGIN);
    expect(again).toMatchObject({ created: false, account: { id: results[0].account.id, telegramId: '777000111' } });
    const rows = await outboxRowsFor(again.account.id);
    expect(rows).toHaveLength(1);
    expect((rows[0].envelope as { payload: unknown }).payload).toMatchObject({ telegramId: '777000111' });
    const [user] = await db.query(`SELECT telegram_username FROM users WHERE id = $1`, [again.account.id]);
    expect(user.telegram_username).toBe('erin_new');
  });

  it('links a Telegram account once and refuses it for a second account with TELEGRAM_ALREADY_LINKED', async () => {
    const { account: first } = await directory.findOrRegisterByEmail('frank@example.test', ORIGIN);
    const { account: second } = await directory.findOrRegisterByEmail('grace@example.test', ORIGIN);
    const linked = await directory.linkTelegram(first.id, { telegramId: '55501' });
    expect(linked.telegramId).toBe('55501');
    await expect(directory.linkTelegram(second.id, { telegramId: '55501' })).rejects.toMatchObject({
      code: 'TELEGRAM_ALREADY_LINKED',
    });
    expect(await directory.findById(second.id)).toMatchObject({ telegramId: null });
  });

  it('ensureAdmin registers the admin account once with the admin role, idempotently', async () => {
    const first = await directory.ensureAdmin('Boss@Example.test');
    const second = await directory.ensureAdmin('boss@example.test');
    expect(second.id).toBe(first.id);
    expect(second.roles.sort()).toEqual(['admin', 'player']);
    const revoked = await directory.revokeRole(first.id, 'admin');
    expect(revoked.roles).toEqual(['player']);
    await expect(directory.grantRole('00000000-0000-4000-8000-000000000000', 'risk')).rejects.toMatchObject({
      code: 'USER_NOT_FOUND',
    });
  });
  it('seeds the demo players idempotently, with one user.registered each, eligible for real money', async () => {
    expect(await userDemoSeeder.seed(app)).toMatch(/^3 demo player\(s\) created, 0 already there/);
    expect(await userDemoSeeder.seed(app)).toMatch(/^0 demo player\(s\) created, 3 already there/);
    const [row] = await db.query(
      `SELECT count(*)::int AS events FROM outbox_events o JOIN users u ON u.id::text = o.aggregate_id
       WHERE u.email IN ('alice@example.test', 'bob@example.test', 'charlie@example.test') AND o.event_type = 'user.registered'`,
    );
    expect(row.events).toBe(3);
    const eligibility = app.get(PlayEligibilityService);
    for (const email of DEMO_PLAYERS) {
      const [player] = (await db.query(`SELECT id FROM users WHERE email = $1`, [email])) as { id: string }[];
      await expect(eligibility.describe(player.id)).resolves.toMatchObject({ eligible: true, missing: [] });
    }
    // Consents are append-only: a second seeding records no new decision.
    const [consents] = await db.query(
      `SELECT count(*)::int AS n FROM user_consents c JOIN users u ON u.id = c.user_id WHERE u.email = ANY($1)`,
      [[...DEMO_PLAYERS]],
    );
    expect(consents.n).toBe(6);
  });
});
