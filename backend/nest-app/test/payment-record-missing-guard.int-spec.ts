import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { PaymentIntentRepository } from '../src/modules/payment/intents/payment-intent.repository';
import { PaymentDepositExpiry } from '../src/modules/payment/reconciliation/payment-deposit-expiry';
import { PaymentReconciliation } from '../src/modules/payment/reconciliation/payment-reconciliation.service';
import { EUR, create, newPlayer, startPaymentSuite, type PaymentSuite, type Player } from './payment-test-kit';

const LIMIT = 3;

/**
 * A PSP that answers "no such payment" for every open deposit is more likely a wrong key or account than lost payments:
 * one expiry or reconciliation run cancels at most PAYMENT_PROVIDER_RECORD_MISSING_LIMIT of them here.
 */
describe('deposits the PSP has no payment for: at most the limit canceled per run (integration, sandbox PSP)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let sandbox: PaymentSuite['sandbox'];
  let dataSource: DataSource;
  let intents: PaymentIntentRepository;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-record-missing-guard', {
      PAYMENT_PROVIDER_RECORD_MISSING_LIMIT: String(LIMIT),
      OUTBOX_RELAY_ENABLED: 'false',
    });
    ({ app, sandbox } = suite);
    dataSource = app.get(DataSource);
    intents = app.get(PaymentIntentRepository);
  });

  afterAll(() => suite?.close());

  /** Open deposits at the sandbox PSP; `vanished` ones are then deleted there (it answers 404 for them). */
  async function openDeposits(player: Player, count: number, vanished: boolean): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const response = await create(app, player, 'deposits', EUR(String(1000 + index)));
      expect(response.statusCode).toBe(201);
      const id = response.json<{ id: string }>().id;
      if (vanished) expect(sandbox.psp.store.intents.delete((await reference(id)) ?? '')).toBe(true);
      ids.push(id);
    }
    await dataSource.query(
      `UPDATE payment_intents SET updated_at = now() - interval '31 minutes' WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return ids;
  }

  async function reference(id: string): Promise<string | null> {
    return (await intents.findById(id))?.providerReference ?? null;
  }

  async function statusesOf(ids: string[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const id of ids) {
      const status = (await intents.findById(id))?.status ?? 'missing';
      counts[status] = (counts[status] ?? 0) + 1;
    }
    return counts;
  }

  async function haltEvents(): Promise<{ provider: string; intent_id: string | null; details: object }[]> {
    return (await dataSource.query(
      `SELECT provider, intent_id, details FROM payment_security_events
        WHERE kind = 'payment.provider_record_missing_halted' ORDER BY occurred_at, id`,
    )) as { provider: string; intent_id: string | null; details: object }[];
  }

  async function missingEvents(ids: string[]): Promise<number> {
    const [row] = (await dataSource.query(
      `SELECT count(*)::int AS n FROM payment_security_events
        WHERE kind = 'payment.provider_record_missing' AND intent_id = ANY($1::uuid[])`,
      [ids],
    )) as { n: number }[];
    return row?.n ?? 0;
  }

  async function haltsCounted(): Promise<number> {
    const metric = await register.getSingleMetric('payment_provider_record_missing_halts_total')?.get();
    return (metric?.values ?? [])
      .filter((value) => value.labels['provider'] === 'sandbox')
      .reduce((sum, value) => sum + value.value, 0);
  }

  it('an expiry run cancels the limit, leaves the rest open with one halted event, and the next run carries on', async () => {
    const player = await newPlayer(app);
    const vanished = await openDeposits(player, 5, true);
    const [live] = await openDeposits(player, 1, false);
    const haltsBefore = await haltsCounted();

    const report = await app.get(PaymentDepositExpiry).expireAbandoned();

    expect(report.leftOpen).toHaveLength(5 - LIMIT);
    expect(report.canceled).toHaveLength(LIMIT + 1);
    // A deposit the PSP still has is canceled there and here whatever the allowance.
    expect(report.canceled).toContain(live);
    expect(sandbox.psp.store.intents.get((await reference(live as string)) ?? '')?.status).toBe('canceled');
    expect(await statusesOf(vanished)).toEqual({ canceled: LIMIT, requires_payment_method: 5 - LIMIT });
    for (const id of report.leftOpen) {
      expect(vanished).toContain(id);
      expect((await intents.transitionsOf(id)).map((transition) => transition.cause)).toEqual(['created']);
    }
    expect(await missingEvents(vanished)).toBe(LIMIT);
    expect(await haltEvents()).toEqual([
      { provider: 'sandbox', intent_id: null, details: { canceled: LIMIT, limit: LIMIT, during: 'expiry' } },
    ]);
    expect((await haltsCounted()) - haltsBefore).toBe(1);

    const next = await app.get(PaymentDepositExpiry).expireAbandoned();
    expect(next.canceled.sort()).toEqual([...report.leftOpen].sort());
    expect(next.leftOpen).toEqual([]);
    expect(await statusesOf(vanished)).toEqual({ canceled: 5 });
    expect(await haltEvents()).toHaveLength(1);
  });

  it("reconciliation's follow reports at most the limit of open intents missing at the PSP per run, each once, and changes none", async () => {
    const player = await newPlayer(app);
    // Past the payer, as a webhook would have moved them: the expiry leaves them be, only the follow reads them.
    const processing = await openDeposits(player, LIMIT + 1, true);
    await dataSource.query(`UPDATE payment_intents SET status = 'processing' WHERE id = ANY($1::uuid[])`, [processing]);
    const haltsBefore = (await haltEvents()).length;
    const reconciliation = app.get(PaymentReconciliation);

    await reconciliation.run({ graceSeconds: 0 });
    expect(await missingEvents(processing)).toBe(LIMIT);
    expect((await haltEvents()).slice(haltsBefore)).toEqual([
      {
        provider: 'sandbox',
        intent_id: null,
        details: { reported: LIMIT, limit: LIMIT, during: 'reconciliation_follow' },
      },
    ]);

    await reconciliation.run({ graceSeconds: 0 });
    await reconciliation.run({ graceSeconds: 0 });
    expect(await missingEvents(processing)).toBe(LIMIT + 1);
    expect(await haltEvents()).toHaveLength(haltsBefore + 1);
    expect(await statusesOf(processing)).toEqual({ processing: LIMIT + 1 });
  });

  it('each reconciliation run has its own allowance', async () => {
    const player = await newPlayer(app);
    const vanished = await openDeposits(player, LIMIT + 1, true);
    const haltsBefore = (await haltEvents()).length;
    const reconciliation = app.get(PaymentReconciliation);

    await reconciliation.run({ graceSeconds: 0 });
    expect(await statusesOf(vanished)).toEqual({ canceled: LIMIT, requires_payment_method: 1 });
    expect(await haltEvents()).toHaveLength(haltsBefore + 1);

    await reconciliation.run({ graceSeconds: 0 });
    expect(await statusesOf(vanished)).toEqual({ canceled: LIMIT + 1 });
    expect(await haltEvents()).toHaveLength(haltsBefore + 1);
  });
});
