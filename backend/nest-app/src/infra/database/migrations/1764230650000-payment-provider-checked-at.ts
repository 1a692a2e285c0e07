import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When reconciliation last asked an intent's provider about it (`provider_checked_at`). An intent the provider has
 * not ended keeps its `updated_at`, so following the oldest-updated first read the same batch every run and never the
 * newer ones behind it; the follow now takes the least recently checked first (never checked before all). Setting it
 * leaves `updated_at` alone: the expiry and reconciliation's grace read that. The partial index holds the open intents
 * the follow chooses from.
 */
export class PaymentProviderCheckedAt1764230650000 implements MigrationInterface {
  public name = 'PaymentProviderCheckedAt1764230650000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE payment_intents ADD COLUMN provider_checked_at timestamptz`);
    await runner.query(`
      CREATE INDEX payment_intents_awaiting_provider_idx ON payment_intents (provider_checked_at NULLS FIRST, updated_at)
        WHERE provider_reference IS NOT NULL
          AND status IN ('requires_payment_method', 'requires_action', 'processing', 'requires_capture')`);
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX payment_intents_awaiting_provider_idx`);
    await runner.query(`ALTER TABLE payment_intents DROP COLUMN provider_checked_at`);
  }
}
