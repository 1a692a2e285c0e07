import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PaymentReconciliation } from '../src/modules/payment/reconciliation/payment-reconciliation.service';
import {
  create,
  newPlayer,
  verifyKyc,
  waitForBalance,
  waitForStatus,
  startPaymentSuite,
  type PaymentSuite,
} from './payment-test-kit';

describe('payment reconciliation (integration: wallet and the PSP list API)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let sandbox: PaymentSuite['sandbox'];
  let reconciliation: PaymentReconciliation;
  let dataSource: DataSource;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-recon');
    ({ app, sandbox } = suite);
    reconciliation = app.get(PaymentReconciliation);
    dataSource = app.get(DataSource);
  });

  afterAll(() => suite?.close());

  async function succeededDeposit(amount: string): Promise<{ id: string; userId: string }> {
    const player = await newPlayer(app);
    const response = await create(app, player, 'deposits', { amount, currency: 'EUR', provider: 'sandbox' });
    const body = response.json<{ id: string; nextAction: { url: string } }>();
    await fetch(`${body.nextAction.url}/approve`, { method: 'POST' });
    await waitForStatus(app, player, body.id, 'succeeded');
    await waitForBalance(app, player.userId, { cash: BigInt(amount) });
    return { id: body.id, userId: player.userId };
  }

  it('finds nothing when the intents, the wallet and the PSP agree (a deposit and a paid withdrawal)', async () => {
    await succeededDeposit('1500');
    const player = await newPlayer(app, 5000n);
    await verifyKyc(app, player.userId);
    const withdrawal = await create(app, player, 'withdrawals', {
      amount: '3000',
      currency: 'EUR',
      provider: 'sandbox',
    });
    const id = withdrawal.json<{ id: string }>().id;
    const payout = [...sandbox.psp.store.payouts.values()].find((candidate) => candidate.metadata['intentId'] === id);
    await fetch(`${sandbox.url}/sandbox/payouts/${payout?.id}/paid`, { method: 'POST' });
    await waitForStatus(app, player, id, 'succeeded');
    await waitForBalance(app, player.userId, { cash: 2000n, held: 0n });
    const report = await reconciliation.run({ graceSeconds: 0 });
    expect(report.checkedIntents).toBeGreaterThan(0);
    expect(report.mismatches).toEqual([]);
  });

  it('raises an event for each deliberately broken record', async () => {
    const tampered = await succeededDeposit('2000');
    // Broken record 1: the intent's amount no longer matches the wallet credit nor the PSP.
    await dataSource.query(`UPDATE payment_intents SET amount = 2100 WHERE id = $1`, [tampered.id]);
    // Broken record 2: an intent marked succeeded that neither the wallet nor the PSP ever saw (settled, so the sweep leaves it).
    const phantom = randomUUID();
    await dataSource.query(
      `INSERT INTO payment_intents (id, user_id, kind, provider, amount, currency, status, settled_at)
       VALUES ($1, $2, 'deposit', 'sandbox', 999, 'EUR', 'succeeded', now())`,
      [phantom, tampered.userId],
    );
    const report = await reconciliation.run({ graceSeconds: 0 });
    const found = report.mismatches.map((mismatch) => `${mismatch.intentId}:${mismatch.kind}`).sort();
    expect(found).toEqual(
      [
        `${tampered.id}:psp_amount_mismatch`,
        `${tampered.id}:wallet_amount_mismatch`,
        `${phantom}:psp_record_missing`,
        `${phantom}:wallet_movement_missing`,
      ].sort(),
    );
    const events = (await dataSource.query(
      `SELECT intent_id, details->>'mismatch' AS mismatch FROM payment_security_events WHERE kind = 'reconciliation.mismatch'`,
    )) as { intent_id: string; mismatch: string }[];
    expect(events.map((event) => `${event.intent_id}:${event.mismatch}`).sort()).toEqual(found);
  });

  it('the sweep credits a succeeded deposit whose wallet credit was lost, exactly once', async () => {
    const deposit = await succeededDeposit('700');
    // Simulates a crash between the status change and the wallet call: the credit is owed again.
    await dataSource.query(
      `UPDATE payment_intents SET settled_at = NULL, updated_at = now() - interval '1 hour' WHERE id = $1`,
      [deposit.id],
    );
    await reconciliation.run({ graceSeconds: 0 });
    const credits = (await dataSource.query(
      `SELECT count(*)::int AS n FROM ledger_transactions WHERE idempotency_scope = 'payment' AND metadata->>'paymentIntentId' = $1`,
      [deposit.id],
    )) as { n: number }[];
    expect(credits[0]?.n).toBe(1);
    const [row] = (await dataSource.query(`SELECT settled_at FROM payment_intents WHERE id = $1`, [deposit.id])) as {
      settled_at: Date | null;
    }[];
    expect(row?.settled_at).not.toBeNull();
  });
});
