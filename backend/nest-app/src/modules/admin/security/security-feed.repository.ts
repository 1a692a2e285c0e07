import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { KeysetPosition } from '../shared/keyset-cursor';

export type SecuritySource = 'auth' | 'payment';

export interface SecurityFeedQuery {
  kinds?: string[];
  source?: SecuritySource;
  userId?: string;
  ip?: string;
  from?: string;
  to?: string;
  after: KeysetPosition | null;
  limit: number;
}

export interface SecurityFeedRow {
  /** `auth:<id>` or `payment:<id>`: unique across both tables. */
  id: string;
  source: SecuritySource;
  kind: string;
  occurredAt: Date;
  userId: string | null;
  ip: string | null;
  provider: string | null;
  intentId: string | null;
  details: Record<string, unknown>;
  cursorAt: string;
  rowId: string;
}

/**
 * One feed of the auth module's security_events and the payment module's payment_security_events (read-only), newest
 * first; a payment event's player is its intent's. Keyset on (occurred_at, row id).
 */
@Injectable()
export class SecurityFeedRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async list(query: SecurityFeedQuery): Promise<SecurityFeedRow[]> {
    return (await this.dataSource.query(
      `WITH feed AS (
         SELECT 'auth' AS source, e.id AS row_id, e.kind, e.occurred_at, e.user_id, e.ip, NULL::text AS provider,
                NULL::uuid AS intent_id, e.details
           FROM security_events e WHERE $2::text IS NULL OR $2 = 'auth'
         UNION ALL
         SELECT 'payment', p.id, p.kind, p.occurred_at, i.user_id, p.ip, p.provider, p.intent_id, p.details
           FROM payment_security_events p LEFT JOIN payment_intents i ON i.id = p.intent_id
          WHERE $2::text IS NULL OR $2 = 'payment')
       SELECT source || ':' || row_id AS id, source, kind, occurred_at AS "occurredAt", user_id AS "userId",
              host(ip) AS ip, provider, intent_id AS "intentId", details, occurred_at::text AS "cursorAt",
              row_id::text AS "rowId"
         FROM feed
        WHERE ($1::text[] IS NULL OR kind = ANY($1)) AND ($3::uuid IS NULL OR user_id = $3)
          AND ($4::inet IS NULL OR ip = $4) AND ($5::timestamptz IS NULL OR occurred_at >= $5)
          AND ($6::timestamptz IS NULL OR occurred_at < $6)
          AND ($7::timestamptz IS NULL OR (occurred_at, row_id::text) < ($7::timestamptz, $8::text))
        ORDER BY occurred_at DESC, row_id::text DESC LIMIT $9`,
      [
        query.kinds && query.kinds.length > 0 ? query.kinds : null,
        query.source ?? null,
        query.userId ?? null,
        query.ip ?? null,
        query.from ?? null,
        query.to ?? null,
        query.after?.at ?? null,
        query.after?.id ?? null,
        query.limit + 1,
      ],
    )) as SecurityFeedRow[];
  }
}
