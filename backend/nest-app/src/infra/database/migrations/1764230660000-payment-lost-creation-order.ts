import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The recovery of deposits whose creation answer was lost takes them least recently checked first, as the follow of
 * open intents does (`provider_checked_at`, 1764230650000). Their index there holds only intents with a provider
 * reference, and `payment_intents_status_idx` is in `updated_at` order, so this partial index holds the open deposits
 * without a reference in the recovery's order.
 */
export class PaymentLostCreationOrder1764230660000 implements MigrationInterface {
  public name = 'PaymentLostCreationOrder1764230660000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE INDEX payment_intents_lost_creation_idx ON payment_intents (provider_checked_at NULLS FIRST, updated_at, id)
        WHERE kind = 'deposit' AND status = 'requires_payment_method' AND provider_reference IS NULL`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX payment_intents_lost_creation_idx`);
  }
}
