import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How the payer pays (`card`, `bank_transfer`, `e_wallet`: PAYMENT_METHODS of libs/contracts), chosen when the intent
 * is created. Nullable, no default: adding it rewrites nothing, and an intent created before it stays unknown rather
 * than be given a method it may not have had. Existing rows are NULL, which the CHECK lets
 * through.
 */
export class PaymentIntentMethod1764230801400 implements MigrationInterface {
  public name = 'PaymentIntentMethod1764230801400';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE payment_intents ADD COLUMN method text
         CONSTRAINT payment_intents_method_check CHECK (method IN ('card', 'bank_transfer', 'e_wallet'))`,
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE payment_intents DROP COLUMN method`);
  }
}
