import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff refunds of captured deposits (ADR 0018): one refund per deposit, of its whole amount. The wallet is debited by
 * a hold (placed before the PSP is asked) that is captured once the PSP accepted the refund, or released when it
 * refused; `hold_id` and `wallet_transaction_id` say where the money stands.
 */
export class PaymentRefunds1764230710000 implements MigrationInterface {
  public name = 'PaymentRefunds1764230710000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE payment_refunds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        intent_id uuid NOT NULL CONSTRAINT payment_refunds_intent_key UNIQUE REFERENCES payment_intents (id),
        user_id uuid NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        hold_id uuid,
        wallet_transaction_id uuid,
        provider_reference text,
        failure_code text,
        staff_id uuid NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payment_refunds_succeeded CHECK (status <> 'succeeded' OR wallet_transaction_id IS NOT NULL)
      )`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE payment_refunds`);
  }
}
