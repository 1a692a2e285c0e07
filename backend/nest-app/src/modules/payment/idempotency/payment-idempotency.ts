import { DomainError } from '@casino/contracts';
import { toErrorResponse } from '@casino/platform';
import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/time/clock';

/**
 * A request holds its key by a short lease that it renews while it works: a request whose process died (a kill, a
 * crash) stops renewing, and the next request with the key takes over within LEASE_MS, not a minute later.
 */
const LEASE_MS = 5_000;
const RENEW_EVERY_MS = 1_500;

/** The claim of a key: `resourceId` is the same for every request that holds it, a takeover included. */
export interface IdempotencyClaim {
  resourceId: string;
}

/** A UUID derived from the key's row (user, key, when it was first claimed): what a takeover resumes, not a new one. */
function resourceIdOf(userId: string, key: string, createdAt: string): string {
  const hex = createHash('sha256').update(`${userId}\n${key}\n${createdAt}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type StoredOutcome =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'error'; code: string; message: string; details?: Record<string, unknown> };

/** What the API answered to an error that is not a domain error (a 500, or a 503 for a dependency down): the replay says the same. */
function answeredAs(error: unknown): StoredOutcome {
  const { code, message } = toErrorResponse(error, true);
  return { kind: 'error', code, message };
}

/**
 * The request's parameters as the key's claim records them, keys sorted; a parameter left out and one present as
 * `undefined` are the same request (a DTO compiled with define-semantics class fields carries every optional field
 * as an own `undefined` property, one compiled without does not).
 */
export function requestHash(parameters: Record<string, string | undefined>): string {
  const canonical = JSON.stringify(
    Object.keys(parameters)
      .filter((key) => parameters[key] !== undefined)
      .sort()
      .map((key) => [key, parameters[key]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * `Idempotency-Key` with Stripe's semantics (../shared/reference/payments.md): the first result of a
 * key — success or error — is stored and replayed; the same key with other parameters is refused
 * (IDEMPOTENCY_KEY_REUSED); a request while the first is in flight gets 409
 * IDEMPOTENCY_REQUEST_IN_PROGRESS and nothing is stored for it. Keys are per player.
 * Validation failures never get here (the pipe refuses them first), so nothing is stored for them.
 */
@Injectable()
export class PaymentIdempotency {
  private readonly logger = new Logger(PaymentIdempotency.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  public async run<T>(
    userId: string,
    key: string,
    hash: string,
    execute: (claim: IdempotencyClaim) => Promise<T>,
  ): Promise<{ body: T; replayed: boolean }> {
    const claimed = await this.claim(userId, key, hash);
    if (!claimed) return { body: this.replay<T>(await this.load(userId, key, hash)), replayed: true };
    const lease = this.keepLease(userId, key, claimed.lockedUntil);
    let outcome: StoredOutcome;
    try {
      const body = await execute({ resourceId: resourceIdOf(userId, key, claimed.createdAt) });
      outcome = { kind: 'ok', status: 200, body };
    } catch (error) {
      lease.stop();
      outcome =
        error instanceof DomainError
          ? { kind: 'error', code: error.code, message: error.message, details: error.details }
          : answeredAs(error);
      await this.store(userId, key, outcome);
      throw error;
    }
    lease.stop();
    await this.store(userId, key, outcome);
    return { body: outcome.body as T, replayed: false };
  }

  /** Removes keys older than the retention (Stripe may forget them after 24 hours; we keep them longer). */
  public async prune(olderThan: Date): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM payment_idempotency_keys WHERE created_at < $1 AND completed_at IS NOT NULL`,
      [olderThan],
    );
  }

  private async claim(
    userId: string,
    key: string,
    hash: string,
  ): Promise<{ createdAt: string; lockedUntil: Date } | null> {
    const now = this.clock.now();
    const lease = new Date(now.getTime() + LEASE_MS);
    const inserted = (await this.dataSource.query(
      `INSERT INTO payment_idempotency_keys (user_id, key, request_hash, locked_until) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING (extract(epoch FROM created_at) * 1000000)::bigint::text AS created`,
      [userId, key, hash, lease],
    )) as { created: string }[];
    if (inserted[0]) return { createdAt: inserted[0].created, lockedUntil: lease };
    // A request that died mid-way stops renewing its lease; the next one with the same parameters takes over.
    const [takenOver] = (await this.dataSource.query(
      `UPDATE payment_idempotency_keys SET locked_until = $4
        WHERE user_id = $1 AND key = $2 AND request_hash = $3 AND completed_at IS NULL AND locked_until < $5
        RETURNING (extract(epoch FROM created_at) * 1000000)::bigint::text AS created`,
      [userId, key, hash, lease, now],
    )) as [{ created: string }[], number];
    return takenOver[0] ? { createdAt: takenOver[0].created, lockedUntil: lease } : null;
  }

  /**
   * Renews the lease while the request works. The lease it last set is its fence: once another request took over
   * (this one was too slow to renew), it renews no more.
   */
  private keepLease(userId: string, key: string, lockedUntil: Date): { stop(): void } {
    let current = lockedUntil;
    let renewing = false;
    const timer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      const next = new Date(this.clock.now().getTime() + LEASE_MS);
      this.dataSource
        .query(
          `UPDATE payment_idempotency_keys SET locked_until = $4
            WHERE user_id = $1 AND key = $2 AND completed_at IS NULL AND locked_until = $3`,
          [userId, key, current, next],
        )
        .then(([, renewed]: [unknown, number]) => {
          if (renewed === 1) current = next;
          else clearInterval(timer);
        })
        .catch((error: unknown) => this.logger.warn({ err: error, key }, 'could not renew an idempotency lease'))
        .finally(() => (renewing = false));
    }, RENEW_EVERY_MS);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  private async load(userId: string, key: string, hash: string): Promise<StoredOutcome> {
    const rows = (await this.dataSource.query(
      `SELECT request_hash, response_body FROM payment_idempotency_keys WHERE user_id = $1 AND key = $2`,
      [userId, key],
    )) as { request_hash: string; response_body: StoredOutcome | null }[];
    const row = rows[0];
    if (!row) throw new DomainError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'Retry the request', { key });
    if (row.request_hash !== hash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with other parameters', { key });
    }
    if (!row.response_body) {
      throw new DomainError('IDEMPOTENCY_REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key is in progress', {
        key,
      });
    }
    return row.response_body;
  }

  private replay<T>(outcome: StoredOutcome): T {
    if (outcome.kind === 'ok') return outcome.body as T;
    throw new DomainError(outcome.code, outcome.message, outcome.details);
  }

  private async store(userId: string, key: string, outcome: StoredOutcome): Promise<void> {
    try {
      await this.dataSource.query(
        `UPDATE payment_idempotency_keys SET response_status = $3, response_body = $4::jsonb, completed_at = now(), locked_until = NULL
          WHERE user_id = $1 AND key = $2 AND completed_at IS NULL`,
        [
          userId,
          key,
          outcome.kind === 'ok' ? outcome.status : 0,
          JSON.stringify(outcome, (_k, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
        ],
      );
    } catch (error) {
      this.logger.error({ err: error, key }, 'could not store the result of an idempotent request');
    }
  }
}
