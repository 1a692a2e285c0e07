import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { bearer, signIn, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** Facts: shared/reference/bonuses.md (UKGC LCCP SR 5.1.1: wagering at most 10x the bonus, one product type). */
const welcome = {
  name: 'Welcome 100 % up to £100',
  kind: 'deposit_match',
  productTypes: ['casino'],
  currency: 'GBP',
  matchPercent: 100,
  maxBonus: '10000',
  minDeposit: '1000',
  wageringMultiplier: 10,
  gameWeights: { slots: 100, table: 10, jackpot: 0 },
  defaultWeight: 0,
  maxBet: '500',
  validityDays: 30,
  maxConversion: '20000',
  eligibleCountries: ['GB'],
  optIn: true,
};

describe('bonus templates: staff API and jurisdiction rules (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let admin: SignedIn;

  beforeAll(async () => {
    environment = await createTestEnvironment('bonus-templates', { ADMIN_EMAIL: adminEmail });
    app = await startTestApp(environment.config);
    admin = await signInAsStaff(app, adminEmail);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  function create(payload: Record<string, unknown>, who: SignedIn = admin) {
    return app.inject({ method: 'POST', url: '/api/v1/bonus/templates', headers: bearer(who.accessToken), payload });
  }

  async function templateCount(): Promise<number> {
    const [row] = (await app.get(DataSource).query(`SELECT count(*)::int AS n FROM bonus_templates`)) as {
      n: number;
    }[];
    return row?.n ?? -1;
  }

  it('creates a GB deposit match at 10x, audited, and lists it with amounts as strings', async () => {
    const response = await create(welcome);
    expect(response.statusCode).toBe(201);
    const created = response.json<{ id: string; productType: string; maxBonus: string; maxBet: string }>();
    expect(created).toMatchObject({ productType: 'casino', maxBonus: '10000', maxBet: '500', wageringMultiplier: 10 });

    const listed = await app.inject({
      method: 'GET',
      url: '/api/v1/bonus/templates',
      headers: bearer(admin.accessToken),
    });
    expect(listed.json<{ items: { id: string }[] }>().items.map((item) => item.id)).toContain(created.id);

    const audit = (await app
      .get(DataSource)
      .query(`SELECT actor_id, details FROM audit_log WHERE action = 'bonus.template.create' AND target_id = $1`, [
        created.id,
      ])) as { actor_id: string; details: { wageringMultiplier: number } }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: admin.userId, details: { wageringMultiplier: 10 } });
  });

  it('answers 422 BONUS_TERMS_INVALID for 11x to GB players and for a mixed product bonus, storing nothing', async () => {
    const before = await templateCount();
    const tooMuch = await create({ ...welcome, wageringMultiplier: 11 });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json()).toMatchObject({
      error: {
        code: 'BONUS_TERMS_INVALID',
        details: { violations: [{ field: 'wageringMultiplier', reason: 'gb_max_10x_bonus' }] },
      },
    });
    const mixed = await create({ ...welcome, productTypes: ['casino', 'betting'] });
    expect(mixed.statusCode).toBe(422);
    expect(mixed.json()).toMatchObject({ error: { code: 'BONUS_TERMS_INVALID' } });
    expect(await templateCount()).toBe(before);
  });

  it('accepts 35x where GB players are not eligible', async () => {
    const response = await create({ ...welcome, eligibleCountries: ['MT'], currency: 'EUR', wageringMultiplier: 35 });
    expect(response.statusCode).toBe(201);
  });

  it('answers 400 for a malformed amount and 403 for a player', async () => {
    expect((await create({ ...welcome, maxBet: '5.00' })).statusCode).toBe(400);
    const player = await signIn(app);
    expect((await create(welcome, player)).statusCode).toBe(403);
  });

  it('retires a template once (audited) and answers 404 for a second retirement', async () => {
    const { id } = (
      await create({
        ...welcome,
        kind: 'no_deposit',
        matchPercent: undefined,
        maxBonus: undefined,
        minDeposit: undefined,
        amount: '500',
      })
    ).json<{ id: string }>();
    const retire = () =>
      app.inject({ method: 'POST', url: `/api/v1/bonus/templates/${id}/retire`, headers: bearer(admin.accessToken) });
    const first = await retire();
    expect(first.statusCode).toBe(200);
    expect(first.json<{ retiredAt: string | null }>().retiredAt).not.toBeNull();
    const second = await retire();
    expect(second.statusCode).toBe(404);
    expect(second.json()).toMatchObject({ error: { code: 'BONUS_TEMPLATE_NOT_FOUND' } });
  });
});
