import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partial refunds (docs/roles.md, `POST /admin/payments/:id/refund`): a deposit may have several refunds, each named by
 * its staff request's Idempotency-Key, together at most the captured amount. The one refund a deposit could have so
 * far was of the whole amount, asked without a key: it keeps the key `whole deposit` (no Idempotency-Key can be: it has a space) and the PSP idempotency key it was sent
 * with, so one still pending resumes at the PSP as the same request.
 */
export class PartialRefunds1764230800400 implements MigrationInterface {
  public name = 'PartialRefunds1764230800400';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE payment_refunds ADD COLUMN idempotency_key text, ADD COLUMN provider_idempotency_key text`,
    );
    await runner.query(`UPDATE payment_refunds
      SET idempotency_key = 'whole deposit', provider_idempotency_key = 'intent:' || intent_id || ':refund'`);
    await runner.query(`ALTER TABLE payment_refunds ALTER COLUMN idempotency_key SET NOT NULL,
      ALTER COLUMN provider_idempotency_key SET NOT NULL`);
    await runner.query(`ALTER TABLE payment_refunds DROP CONSTRAINT payment_refunds_intent_key`);
    await runner.query(`ALTER TABLE payment_refunds
      ADD CONSTRAINT payment_refunds_intent_idempotency_key UNIQUE (intent_id, idempotency_key)`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE payment_refunds DROP CONSTRAINT payment_refunds_intent_idempotency_key`);
    await runner.query(`ALTER TABLE payment_refunds ADD CONSTRAINT payment_refunds_intent_key UNIQUE (intent_id)`);
    await runner.query(`ALTER TABLE payment_refunds DROP COLUMN idempotency_key, DROP COLUMN provider_idempotency_key`);
  }
}
