import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { STAFF_ROLES } from '../../../common/auth/roles';
import { AppConfig } from '../../../config/app-config';
import type { RequestOrigin, UserAccount } from '../../user/user-directory';
import { SYSTEM_ACTOR } from '../sessions/session-revocation-audit';
import { SecurityEventRepository } from '../security-events/security-event.repository';
import { StaffSignInLockStore, type LockLimits } from './staff-sign-in-lock.store';

/** One sign-in attempt of a staff account (a no-op for anyone else): `fail` on a wrong code, `end` always. */
export interface StaffSignInAttempt {
  fail(): Promise<void>;
  /** Gives the claimed slot back unless the attempt failed (a right email code, a second factor still to come). */
  end(): Promise<void>;
}

const UNGUARDED: StaffSignInAttempt = { fail: async () => undefined, end: async () => undefined };

export interface SignInLockRelease {
  userId: string;
  lockedForSeconds: number;
  failures: number;
}

/**
 * Locks a staff account after STAFF_SIGNIN_MAX_FAILURES wrong codes (email, TOTP, recovery) within the window, for
 * STAFF_SIGNIN_LOCKOUT_SECONDS. A locked account is refused before any code is checked, so the right code tells
 * nothing. Players are not counted here: their codes die after 5 wrong tries and their sign-ins are rate limited.
 */
@Injectable()
export class StaffSignInLockout {
  public constructor(
    private readonly store: StaffSignInLockStore,
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLog,
    private readonly events: SecurityEventRepository,
  ) {}

  /** Claims an attempt for a staff account; throws 429 STAFF_SIGN_IN_LOCKED when locked (or every slot is taken). */
  public async begin(account: UserAccount | null, origin: RequestOrigin): Promise<StaffSignInAttempt> {
    if (!account || !isStaff(account)) return UNGUARDED;
    const claim = await this.store.claim(account.id, this.limits());
    if (claim.outcome !== 'claimed') throw locked(claim.retryAfterMs);
    let failed = false;
    return {
      fail: async () => {
        failed = true;
        await this.recordFailure(account.id, origin);
      },
      end: async () => {
        if (!failed) await this.store.releaseClaim(account.id);
      },
    };
  }

  /** A staff sign-in went through: the failures of its window are forgiven. */
  public async forgive(account: UserAccount): Promise<void> {
    if (isStaff(account)) await this.store.reset(account.id);
  }

  /**
   * Staff release a lock early (audited with their reason, before and after; a `sign_in.lock_released` event).
   * The lock is removed last inside the transaction: a record that cannot be written releases nothing.
   */
  public async release(
    actor: AuthenticatedUser,
    userId: string,
    reason: string,
    origin: RequestOrigin,
  ): Promise<SignInLockRelease> {
    const before = await this.store.peek(userId);
    if (!before.locked) throw notLocked();
    const lockedForSeconds = Math.ceil(before.lockedForMs / 1000);
    await this.dataSource.transaction(async (manager) => {
      await this.auditLog.record(
        {
          actorId: actor.userId,
          actorRoles: actor.roles,
          action: 'user.sign_in_lock.release',
          targetType: 'user',
          targetId: userId,
          ip: origin.ip,
          userAgent: origin.userAgent,
          requestId: origin.requestId,
          details: {
            reason,
            before: { locked: true, lockedForSeconds, failures: before.failures },
            after: { locked: false },
          },
        },
        manager,
      );
      await this.events.record(
        { kind: 'sign_in.lock_released', userId, origin, details: { by: actor.userId, lockedForSeconds } },
        manager,
      );
      if (!(await this.store.unlock(userId)).locked) throw notLocked();
    });
    return { userId, lockedForSeconds, failures: before.failures };
  }

  private async recordFailure(userId: string, origin: RequestOrigin): Promise<void> {
    const result = await this.store.fail(userId, this.limits());
    if (result.outcome !== 'locked') return;
    const details = {
      failures: result.failures,
      windowSeconds: this.config.STAFF_SIGNIN_FAILURE_WINDOW_SECONDS,
      lockedForSeconds: this.config.STAFF_SIGNIN_LOCKOUT_SECONDS,
    };
    await this.dataSource.transaction(async (manager) => {
      await this.auditLog.record(
        {
          actorId: null,
          actorRoles: [SYSTEM_ACTOR],
          action: 'user.sign_in_lock.lock',
          targetType: 'user',
          targetId: userId,
          ip: origin.ip,
          userAgent: origin.userAgent,
          requestId: origin.requestId,
          details: { reason: 'too-many-failures', before: { locked: false }, after: { locked: true }, ...details },
        },
        manager,
      );
      await this.events.record({ kind: 'sign_in.locked', userId, origin, details }, manager);
    });
  }

  private limits(): LockLimits {
    return {
      max: this.config.STAFF_SIGNIN_MAX_FAILURES,
      windowMs: this.config.STAFF_SIGNIN_FAILURE_WINDOW_SECONDS * 1000,
      lockoutMs: this.config.STAFF_SIGNIN_LOCKOUT_SECONDS * 1000,
    };
  }
}

function isStaff(account: UserAccount): boolean {
  return account.roles.some((role) => STAFF_ROLES.includes(role));
}

function locked(retryAfterMs: number): DomainError {
  return new DomainError('STAFF_SIGN_IN_LOCKED', 'Too many failed sign-in attempts; this account is locked for now', {
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });
}

function notLocked(): DomainError {
  return new DomainError('STAFF_SIGN_IN_NOT_LOCKED', 'The account has no sign-in lock to release');
}
