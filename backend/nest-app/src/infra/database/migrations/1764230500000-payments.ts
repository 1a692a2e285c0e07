import type { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES = `('requires_payment_method', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'canceled', 'failed')`;

/**
 * Payment intents (deposits and withdrawals) and what surrounds them:
 * - every status change is a row of payment_intent_transitions with its cause;
 * - Idempotency-Key results are kept per player (Stripe semantics, ../shared/reference/payments.md);
 * - each provider event id is recorded once, so a replayed webhook changes nothing;
 * - signature failures and reconciliation mismatches land in payment_security_events.
 * Money moves only through the wallet; wallet_transaction_id / settled_at say it did.
 */
export class Payments1764230500000 implements MigrationInterface {
  public name = 'Payments1764230500000';

  public async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE payment_intents (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('deposit', 'withdrawal')),
        provider text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        status text NOT NULL CHECK (status IN ${STATUSES}),
        provider_reference text,
        next_action jsonb,
        failure_code text,
        failure_message text,
        failure_count integer NOT NULL DEFAULT 0,
        approval_required boolean NOT NULL DEFAULT false,
        approved_by uuid,
        approved_at timestamptz,
        wallet_hold_id uuid,
        wallet_transaction_id uuid,
        settled_at timestamptz,
        last_provider_event_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payment_intents_provider_reference UNIQUE (provider, provider_reference)
      )`);
    await runner.query(`CREATE INDEX payment_intents_user_idx ON payment_intents (user_id, created_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX payment_intents_status_idx ON payment_intents (status, updated_at)`);
    await runner.query(`
      CREATE INDEX payment_intents_unsettled_idx ON payment_intents (updated_at)
        WHERE settled_at IS NULL AND status IN ('succeeded', 'canceled', 'failed')`);
    await runner.query(`
      CREATE TABLE payment_intent_transitions (
        id bigserial PRIMARY KEY,
        intent_id uuid NOT NULL REFERENCES payment_intents (id),
        from_status text CHECK (from_status IN ${STATUSES}),
        to_status text NOT NULL CHECK (to_status IN ${STATUSES}),
        cause text NOT NULL,
        provider_event_id text,
        actor_id uuid,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX payment_intent_transitions_intent_idx ON payment_intent_transitions (intent_id, id)`,
    );
    await runner.query(`
      CREATE TABLE payment_idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        request_hash char(64) NOT NULL,
        locked_until timestamptz,
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (user_id, key)
      )`);
    await runner.query(`
      CREATE TABLE payment_webhook_events (
        provider text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        intent_id uuid,
        outcome text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, event_id)
      )`);
    await runner.query(`
      CREATE TABLE payment_security_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        occurred_at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        provider text,
        intent_id uuid,
        ip inet,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await runner.query(
      `CREATE INDEX payment_security_events_kind_idx ON payment_security_events (kind, occurred_at DESC)`,
    );
  }

  public async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `DROP TABLE payment_security_events, payment_webhook_events, payment_idempotency_keys, payment_intent_transitions, payment_intents`,
    );
  }
}
