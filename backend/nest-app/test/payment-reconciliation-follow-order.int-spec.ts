import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PaymentOpenIntentFollow } from '../src/modules/payment/reconciliation/payment-open-intent-follow';
import { PaymentReconciliation } from '../src/modules/payment/reconciliation/payment-reconciliation.service';
import {
  actOnPaymentPage,
  balances,
  newPlayer,
  openDeposit,
  type PaymentSuite,
  startPaymentSuite,
  untouchedFor,
} from './payment-test-kit';

const BATCH = 3;

// An intent the PSP keeps pending is read again every run and keeps its updated_at; with more of them than a run's
// batch, the follow must still come round to every open intent, newer ones included, within a few runs.

describe('reconciliation follows every open intent in turn, more than a batch of them (integration, sandbox PSP)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let sandbox: PaymentSuite['sandbox'];
  let dataSource: DataSource;
  let reconciliation: PaymentReconciliation;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-recon-follow-order', {
      PAYMENT_RECONCILIATION_BATCH_SIZE: String(BATCH),
    });
    ({ app, sandbox } = suite);
    dataSource = app.get(DataSource);
    reconciliation = app.get(PaymentReconciliation);
  });

  afterEach(async () => {
    sandbox.psp.webhooks.release();
    await sandbox.psp.webhooks.idle();
  });

  afterAll(() => suite?.close());

  /** Untouched for `minutes`: past the run's grace (5 minutes), short of the deposit expiry (30 minutes). */

  async function rows(ids: string[]): Promise<{ id: string; status: string; updated_at: string }[]> {
    return (await dataSource.query(
      `SELECT id, status, updated_at::text AS updated_at FROM payment_intents WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [ids],
    )) as { id: string; status: string; updated_at: string }[];
  }

  it('reads each of them within ceil(open / batch) runs and credits the newest, paid with its webhook lost', async () => {
    const player = await newPlayer(app);
    const pending: string[] = [];
    for (let index = 0; index < 2 * BATCH; index++) {
      const { id } = await openDeposit(app, player, String(1000 + index));
      await untouchedFor(app, `${20 - index} minutes`, [id]);
      pending.push(id);
    }
    const { id: paid, page } = await openDeposit(app, player, '2400');
    sandbox.psp.webhooks.hold();
    await actOnPaymentPage(page, 'approve');
    await untouchedFor(app, '10 minutes', [paid]);
    const all = [...pending, paid];
    const before = await rows(pending);

    const read = new Set<string>();
    for (let run = 0; run < Math.ceil(all.length / BATCH); run++) {
      const report = await reconciliation.run();
      expect(report.followed.length).toBeLessThanOrEqual(BATCH);
      for (const followed of report.followed) read.add(followed.intentId);
    }

    expect([...read].sort()).toEqual([...all].sort());
    expect(await rows([paid])).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2400n });
    // Reading an intent the PSP keeps pending changes nothing of it: the expiry still sees how long it was left.
    expect(await rows(pending)).toEqual(before);
    const [unchecked] = (await dataSource.query(
      `SELECT count(*)::int AS n FROM payment_intents WHERE id = ANY($1::uuid[]) AND provider_checked_at IS NULL`,
      [all],
    )) as { n: number }[];
    expect(unchecked?.n).toBe(0);
  });

  it('takes the intents its provider was asked about least recently first, never asked before all', async () => {
    const player = await newPlayer(app);
    const ids: string[] = [];
    for (let index = 0; index < 2 * BATCH + 1; index++) {
      const { id } = await openDeposit(app, player, String(3000 + index));
      await untouchedFor(app, `${25 - index} minutes`, [id]);
      ids.push(id);
    }
    const follow = app.get(PaymentOpenIntentFollow);
    const graceCutoff = new Date(Date.now() - 5 * 60 * 1000);

    const batches: string[][] = [];
    for (let call = 0; call < 3; call++) {
      const report = await follow.followAwaiting(graceCutoff, BATCH);
      batches.push(report.followed.map((followed) => followed.intentId));
    }
    // Never asked first, oldest first; then the least recently asked (the previous test's or this first batch's),
    // never the ones asked just before.
    expect(batches.slice(0, 2)).toEqual([ids.slice(0, BATCH), ids.slice(BATCH, 2 * BATCH)]);
    expect(batches[2]?.[0]).toBe(ids[2 * BATCH]);
    expect(batches[2]).toHaveLength(BATCH);
    for (const id of batches[2]?.slice(1) ?? []) expect(batches[1]).not.toContain(id);
  });
});
