import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type WebhookOutcome = 'applied' | 'ignored' | 'unknown_intent' | 'mismatch';

/** Provider event ids already processed: a replayed event is acknowledged and does nothing. */
@Injectable()
export class PaymentWebhookEventRepository {
  /** True when the event is new; false when it was recorded before (a replay or a duplicate delivery). */
  public async recordOnce(
    manager: EntityManager,
    event: { provider: string; eventId: string; type: string; intentId: string | null; outcome: WebhookOutcome },
  ): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO payment_webhook_events (provider, event_id, event_type, intent_id, outcome)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (provider, event_id) DO NOTHING RETURNING 1`,
      [event.provider, event.eventId, event.type, event.intentId, event.outcome],
    )) as unknown[];
    return rows.length === 1;
  }

  public async setOutcome(
    manager: EntityManager,
    provider: string,
    eventId: string,
    outcome: WebhookOutcome,
  ): Promise<void> {
    await manager.query(`UPDATE payment_webhook_events SET outcome = $3 WHERE provider = $1 AND event_id = $2`, [
      provider,
      eventId,
      outcome,
    ]);
  }
}
