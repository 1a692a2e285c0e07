import { counterOf } from '@casino/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RequestOrigin } from '../../user/user-directory';

export const SECURITY_EVENT_KINDS = [
  'sign_in.succeeded',
  'sign_in.mfa_required',
  'sign_in.failed',
  'sign_in.refused',
  'sign_in.locked',
  'sign_in.lock_released',
  'code.locked',
  'code.rate_limited',
  'mfa.enabled',
  'mfa.disabled',
  'mfa.failed',
  'mfa.locked',
  'mfa.step_up',
  'mfa.recovery_code_used',
  'mfa.recovery_codes_regenerated',
  'phone.verified',
  'telegram.linked',
  'refresh_token.reused',
  'session.revoked',
  'session.revoked_all',
  'role.granted',
  'role.revoked',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

export interface NewSecurityEvent {
  kind: SecurityEventKind;
  userId?: string | null;
  sessionId?: string | null;
  /** Who was targeted when no user is known yet: a hashed email, a Telegram id. Never a secret. */
  subject?: string | null;
  origin?: RequestOrigin;
  details?: Record<string, unknown>;
}

export interface SecurityEvent {
  id: string;
  occurredAt: Date;
  kind: SecurityEventKind;
  userId: string | null;
  sessionId: string | null;
  subject: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

interface SecurityEventRow {
  id: string;
  occurred_at: Date;
  kind: SecurityEventKind;
  user_id: string | null;
  session_id: string | null;
  subject: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

/** Sign-in failures, lockouts and the like: `auth_security_events_total{kind="sign_in.failed"}`. */
const recorded = counterOf(
  'auth_security_events_total',
  'Security events written (sign_in.failed, mfa.failed, code.locked, refresh_token.reused, ...), by kind',
  ['kind'],
);

const COLUMNS = 'id, occurred_at, kind, user_id, session_id, subject, host(ip) AS ip, user_agent, request_id, details';

/**
 * The append-only security event log (PostgreSQL) the admin dashboards read. An event that tells of a change
 * (a factor enabled, a role granted, a session revoked) is written with the caller's transaction manager, so
 * it commits with the change or not at all; an event that tells of a refused or failed attempt (a wrong code,
 * a lockout, a reused refresh token) is written on its own, before the refusal, which must not roll it back.
 */
@Injectable()
export class SecurityEventRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async record(event: NewSecurityEvent, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `INSERT INTO security_events (kind, user_id, session_id, subject, ip, user_agent, request_id, details)
       VALUES ($1, $2, $3, $4, $5::inet, $6, $7, $8::jsonb)`,
      [
        event.kind,
        event.userId ?? null,
        event.sessionId ?? null,
        event.subject ?? null,
        event.origin?.ip ?? null,
        event.origin?.userAgent ?? null,
        event.origin?.requestId ?? null,
        JSON.stringify(event.details ?? {}),
      ],
    );
    recorded.inc({ kind: event.kind });
  }

  /** A user's events, newest first. */
  public async listForUser(userId: string, limit = 50): Promise<SecurityEvent[]> {
    const rows: SecurityEventRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM security_events WHERE user_id = $1 ORDER BY occurred_at DESC, id LIMIT $2`,
      [userId, limit],
    );
    return rows.map(toEvent);
  }

  /** Events of some kinds since a time, newest first (dashboards: failures, lockouts, token reuse). */
  public async listRecentOfKinds(kinds: SecurityEventKind[], since: Date, limit = 100): Promise<SecurityEvent[]> {
    const rows: SecurityEventRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM security_events WHERE kind = ANY($1) AND occurred_at >= $2
       ORDER BY occurred_at DESC, id LIMIT $3`,
      [kinds, since, limit],
    );
    return rows.map(toEvent);
  }
}

function toEvent(row: SecurityEventRow): SecurityEvent {
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    kind: row.kind,
    userId: row.user_id,
    sessionId: row.session_id,
    subject: row.subject,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    details: row.details,
  };
}
