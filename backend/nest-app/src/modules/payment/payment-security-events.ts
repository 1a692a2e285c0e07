import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

export type PaymentSecurityEventKind =
  | 'webhook.signature_invalid'
  | 'webhook.amount_mismatch'
  | 'payment.late_success'
  /** The provider's answer to a payment's creation was lost (timeout, network error, 5xx): reconciliation resolves it. */
  | 'payment.creation_outcome_unknown'
  /**
   * The provider has no record of an open intent (404 for its reference, none naming it). A deposit waiting for its
   * payer is canceled here only (by the expiry or the player's cancel); any other open intent (a deposit past the
   * payer, a sent payout) is left as it is by reconciliation's follow, which reports it once (`during`
   * `reconciliation_follow`) for staff to check at the provider.
   */
  | 'payment.provider_record_missing'
  /**
   * One run found more open intents missing at a provider than PAYMENT_PROVIDER_RECORD_MISSING_LIMIT (a wrong PSP key
   * or account looks like that): it stopped canceling (expiry) or reporting (follow) them, and the rest stay for the
   * next run.
   */
  | 'payment.provider_record_missing_halted'
  /**
   * The provider ended a payment in a status our state machine refuses from where the intent stands (processing →
   * canceled, which Stripe allows "in rare cases" and payments.md does not): the intent stays as it was, still
   * counting toward deposit limits, until staff resolve it (PaymentResolution, after asking the provider again).
   */
  | 'payment.provider_status_refused'
  | 'reconciliation.mismatch';

export interface PaymentSecurityEvent {
  kind: PaymentSecurityEventKind;
  provider?: string;
  intentId?: string | null;
  ip?: string | null;
  requestId?: string;
  /** What happened; never a secret, a signature or a card detail. */
  details: Record<string, unknown>;
}

/**
 * Security and operations events of payments (bad webhook signatures, reconciliation mismatches)
 * in `payment_security_events`, and as a warning in the log for alerting. The auth module's
 * security_events repository takes only its own closed list of kinds, hence this table.
 */
@Injectable()
export class PaymentSecurityEvents {
  private readonly logger = new Logger(PaymentSecurityEvents.name);

  public constructor(private readonly dataSource: DataSource) {}

  public async record(event: PaymentSecurityEvent): Promise<void> {
    this.logger.warn(
      { kind: event.kind, provider: event.provider, intentId: event.intentId, details: event.details },
      'payment security event',
    );
    await this.dataSource.query(
      `INSERT INTO payment_security_events (kind, provider, intent_id, ip, request_id, details)
       VALUES ($1, $2, $3, $4::inet, $5, $6::jsonb)`,
      [
        event.kind,
        event.provider ?? null,
        event.intentId ?? null,
        event.ip ?? null,
        event.requestId ?? null,
        JSON.stringify(event.details),
      ],
    );
  }

  /** Whether an event of this kind names the intent already (for events raised once per intent). */
  public async wasRecordedFor(kind: PaymentSecurityEventKind, intentId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM payment_security_events WHERE kind = $1 AND intent_id = $2) AS found`,
      [kind, intentId],
    )) as { found: boolean }[];
    return rows[0]?.found === true;
  }

  public async list(
    kind: PaymentSecurityEventKind,
  ): Promise<{ kind: string; provider: string | null; intentId: string | null; details: Record<string, unknown> }[]> {
    const rows = (await this.dataSource.query(
      `SELECT kind, provider, intent_id, details FROM payment_security_events WHERE kind = $1 ORDER BY occurred_at, id`,
      [kind],
    )) as { kind: string; provider: string | null; intent_id: string | null; details: Record<string, unknown> }[];
    return rows.map((row) => ({
      kind: row.kind,
      provider: row.provider,
      intentId: row.intent_id,
      details: row.details,
    }));
  }
}
