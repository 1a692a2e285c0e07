import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { KeysetPosition } from '../shared/keyset-cursor';

export interface PlayerSearch {
  q?: string;
  kycStatus?: string;
  country?: string;
  registeredFrom?: string;
  registeredTo?: string;
  blocked?: boolean;
  selfExcluded?: boolean;
  /** `q` matches only an id, a whole email, a whole phone number or a Telegram id (a staff member who sees PII masked). */
  exactOnly?: boolean;
  after: KeysetPosition | null;
  limit: number;
}

export interface PlayerSummaryRow {
  id: string;
  email: string | null;
  phone: string | null;
  telegramId: string | null;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  country: string | null;
  currency: string;
  status: string;
  kycStatus: string | null;
  selfExcluded: boolean;
  tags: string[];
  createdAt: Date;
  cursorAt: string;
}

export interface StaffNoteRow {
  id: string;
  text: string;
  authorId: string;
  createdAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME_EXPRESSION = `lower(coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '') || ' ' || coalesce(u.display_name, ''))`;
const EXCLUDED = `EXISTS (SELECT 1 FROM rg_exclusions x WHERE x.user_id = u.id AND x.starts_at <= now()
  AND (x.ends_at IS NULL OR x.ends_at > now()))`;

/**
 * The back office's read model of players (ADR 0018): read-only SQL over the user module's tables, on the indexes
 * of migration 1764230700000; and the admin module's own notes and tags. Writes to users go through the user module.
 */
@Injectable()
export class PlayersRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** Newest registrations first, keyset on (created_at, id); reads `limit + 1` rows. */
  public async search(search: PlayerSearch): Promise<PlayerSummaryRow[]> {
    const values: unknown[] = [];
    const bind = (value: unknown): string => `$${values.push(value)}`;
    const conditions: string[] = [];
    if (search.q) conditions.push((search.exactOnly ? exactMatchOf : matchOf)(search.q.trim(), bind));
    if (search.kycStatus) conditions.push(`coalesce(k.status, 'not_started') = ${bind(search.kycStatus)}`);
    if (search.country) conditions.push(`u.country = ${bind(search.country)}`);
    if (search.registeredFrom) conditions.push(`u.created_at >= ${bind(search.registeredFrom)}::timestamptz`);
    if (search.registeredTo) conditions.push(`u.created_at < ${bind(search.registeredTo)}::timestamptz`);
    if (search.blocked !== undefined)
      conditions.push(search.blocked ? `u.status = 'blocked'` : `u.status <> 'blocked'`);
    if (search.selfExcluded !== undefined) conditions.push(search.selfExcluded ? EXCLUDED : `NOT ${EXCLUDED}`);
    if (search.after) {
      conditions.push(`(u.created_at, u.id) < (${bind(search.after.at)}::timestamptz, ${bind(search.after.id)}::uuid)`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return (await this.dataSource.query(
      `${summarySelect()} ${where} ORDER BY u.created_at DESC, u.id DESC LIMIT ${bind(search.limit + 1)}`,
      values,
    )) as PlayerSummaryRow[];
  }

  public async summary(
    userId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PlayerSummaryRow | null> {
    const rows = (await manager.query(`${summarySelect()} WHERE u.id = $1`, [userId])) as PlayerSummaryRow[];
    return rows[0] ?? null;
  }

  public async addNote(manager: EntityManager, userId: string, authorId: string, text: string): Promise<StaffNoteRow> {
    const rows = (await manager.query(
      `INSERT INTO staff_notes (user_id, author_id, text) VALUES ($1, $2, $3)
       RETURNING id, text, author_id AS "authorId", created_at AS "createdAt"`,
      [userId, authorId, text],
    )) as StaffNoteRow[];
    return rows[0] as StaffNoteRow;
  }

  public async notes(userId: string, limit = 50): Promise<StaffNoteRow[]> {
    return (await this.dataSource.query(
      `SELECT id, text, author_id AS "authorId", created_at AS "createdAt" FROM staff_notes
        WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, limit],
    )) as StaffNoteRow[];
  }

  /** Replaces the player's tags; answers the tags before. */
  public async replaceTags(manager: EntityManager, userId: string, tags: string[]): Promise<string[]> {
    const before = (await manager.query(`SELECT tag FROM player_tags WHERE user_id = $1 ORDER BY tag FOR UPDATE`, [
      userId,
    ])) as { tag: string }[];
    await manager.query(`DELETE FROM player_tags WHERE user_id = $1 AND NOT (tag = ANY($2::text[]))`, [userId, tags]);
    await manager.query(`INSERT INTO player_tags (user_id, tag) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, [
      userId,
      tags,
    ]);
    return before.map((row) => row.tag);
  }

  /** Rows of the player 360 that no other module's public service gives: payments, game sessions, audit. */
  public async payments(userId: string, limit = 20): Promise<Record<string, unknown>[]> {
    return (await this.dataSource.query(
      `SELECT id, kind AS type, status, provider, amount::text AS amount, currency, provider_reference AS "providerReference",
              created_at AS "createdAt", updated_at AS "updatedAt"
         FROM payment_intents WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, limit],
    )) as Record<string, unknown>[];
  }

  public async gameSessions(userId: string, limit = 20): Promise<Record<string, unknown>[]> {
    return (await this.dataSource.query(
      `SELECT s.id, g.title AS game, s.mode, s.platform, s.currency, s.country, s.status, s.created_at AS "createdAt",
              s.last_activity_at AS "lastActivityAt", s.closed_at AS "closedAt"
         FROM game_sessions s JOIN games g ON g.id = s.game_id
        WHERE s.user_id = $1 ORDER BY s.created_at DESC, s.id DESC LIMIT $2`,
      [userId, limit],
    )) as Record<string, unknown>[];
  }

  public async auditTrail(userId: string, walletIds: string[], limit = 50): Promise<Record<string, unknown>[]> {
    return (await this.dataSource.query(
      `SELECT id, occurred_at AS "occurredAt", actor_id AS "actorId", actor_roles AS "actorRoles", action,
              target_type AS "targetType", target_id AS "targetId", host(ip) AS ip, request_id AS "requestId", details
         FROM audit_log
        WHERE (target_type IN ('user', 'player') AND target_id = $1) OR (target_type = 'wallet' AND target_id = ANY($2))
           OR actor_id = $1::uuid
        ORDER BY occurred_at DESC, id DESC LIMIT $3`,
      [userId, walletIds, limit],
    )) as Record<string, unknown>[];
  }
}

function summarySelect(): string {
  return `SELECT u.id, u.email, u.phone, u.telegram_id AS "telegramId", u.display_name AS "displayName",
      u.first_name AS "firstName", u.last_name AS "lastName", u.country, u.currency, u.status,
      k.status AS "kycStatus", ${EXCLUDED} AS "selfExcluded",
      ARRAY(SELECT t.tag FROM player_tags t WHERE t.user_id = u.id ORDER BY t.tag) AS tags,
      u.created_at AS "createdAt", u.created_at::text AS "cursorAt"
    FROM users u LEFT JOIN user_kyc k ON k.user_id = u.id`;
}

/** What `q` can be: an id, an email (prefix), a phone (prefix), a Telegram id, or a name fragment. */
function matchOf(q: string, bind: (value: unknown) => string): string {
  if (UUID.test(q)) return `u.id = ${bind(q)}::uuid`;
  const lower = q.toLowerCase();
  const prefix = `${escapeLike(lower)}%`;
  if (lower.includes('@')) return `u.email LIKE ${bind(prefix)}`;
  if (/^\+\d+$/.test(q)) return `u.phone LIKE ${bind(`${escapeLike(q)}%`)}`;
  if (/^\d+$/.test(q)) return `(u.telegram_id = ${bind(q)} OR u.phone LIKE ${bind(`+${q}%`)})`;
  return `(u.email LIKE ${bind(prefix)} OR ${NAME_EXPRESSION} LIKE ${bind(`%${escapeLike(lower)}%`)})`;
}

const WHOLE_EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const WHOLE_PHONE = /^\+\d{6,}$/;
const DIGITS = /^\d{6,}$/;

/**
 * Whether `q` names one player whole (an id, an email, a phone number with or without `+`, a Telegram id), the only
 * searches of a staff member who sees personal data masked: a prefix or a name fragment would let masked answers
 * spell the data out.
 */
export function isExactPlayerQuery(q: string): boolean {
  const trimmed = q.trim();
  return [UUID, WHOLE_EMAIL, WHOLE_PHONE, DIGITS].some((pattern) => pattern.test(trimmed));
}

function exactMatchOf(q: string, bind: (value: unknown) => string): string {
  if (UUID.test(q)) return `u.id = ${bind(q)}::uuid`;
  if (WHOLE_EMAIL.test(q)) return `u.email = ${bind(q.toLowerCase())}`;
  if (WHOLE_PHONE.test(q)) return `u.phone = ${bind(q)}`;
  if (DIGITS.test(q)) return `(u.telegram_id = ${bind(q)} OR u.phone = ${bind(`+${q}`)})`;
  return 'FALSE';
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
