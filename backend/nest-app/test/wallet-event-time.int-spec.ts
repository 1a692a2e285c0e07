import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { startClockedTestApp } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { QUIET_WALLET_SETTINGS, walletKit } from './wallet-test-kit';

/**
 * A report cuts days by the events' occurredAt, `etl:verify` and the backfill by the ledger's created_at: the two are
 * one instant, or a transaction committed at midnight lands on two different days (docs/reports.md).
 */
describe('wallet: a transaction and its events carry one time (integration)', () => {
  const lastMillisecond = new Date('2026-11-30T23:59:59.999Z');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    environment = await createTestEnvironment('walleteventtime', QUIET_WALLET_SETTINGS);
    ({ app } = await startClockedTestApp(environment.config, lastMillisecond));
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  it("writes the ledger's created_at as the events' occurredAt, to the millisecond, at the last one of a day", async () => {
    const { walletId } = await walletKit(app).funded(1_000n);
    const rows = (await app.get(DataSource).query(
      `SELECT t.created_at, o.envelope->>'occurredAt' AS occurred_at, o.event_type
         FROM ledger_transactions t JOIN outbox_events o ON o.envelope->'payload'->>'transactionId' = t.id::text
        WHERE t.wallet_id = $1`,
      [walletId],
    )) as { created_at: Date; occurred_at: string; event_type: string }[];
    expect(rows.map((row) => [row.event_type, row.created_at.toISOString(), row.occurred_at])).toEqual([
      ['wallet.transaction.completed', lastMillisecond.toISOString(), lastMillisecond.toISOString()],
    ]);
  });
});
