import type { Role } from '../../../common/auth/roles';
import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { UserDirectory, type RequestOrigin, type UserAccount } from '../../user/user-directory';
import { AuthHasher } from '../auth-hasher';
import { SecurityEventRepository } from '../security-events/security-event.repository';
import { AccessTokenService } from './access-token.service';
import {
  SessionRevocationAudit,
  SYSTEM_ACTOR,
  type SessionRevocation,
  type SystemRevocationReason,
} from './session-revocation-audit';
import { SessionStore, type SessionRecord } from './session.store';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

export type SignInMethod = 'email' | 'telegram' | 'telegram-webapp';

const REFRESH_TOKEN_BYTES = 32;

/** Sessions and their tokens: start, rotate with reuse detection, list, end. */
@Injectable()
export class SessionService {
  public constructor(
    private readonly store: SessionStore,
    private readonly accessTokens: AccessTokenService,
    private readonly hasher: AuthHasher,
    private readonly users: UserDirectory,
    private readonly events: SecurityEventRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly revocations: SessionRevocationAudit,
  ) {}

  /**
   * Starts a session (a new refresh-token family) for an account that has passed every factor; `mfaFactor` names
   * the second one when there was one.
   */
  public async start(
    account: UserAccount,
    method: SignInMethod,
    origin: RequestOrigin,
    mfaPassed: boolean,
    mfaFactor?: string,
  ): Promise<TokenPair & { sessionId: string }> {
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    const now = this.clock.now().getTime();
    await this.store.create(
      {
        id: sessionId,
        userId: account.id,
        roles: account.roles,
        method,
        ip: origin.ip,
        userAgent: origin.userAgent,
        createdAt: now,
        mfaAt: mfaPassed ? now : null,
        mfaFactor: mfaPassed ? (mfaFactor ?? null) : null,
        refreshHash: this.hasher.hash('refresh-token', refreshToken),
      },
      this.config.REFRESH_TOKEN_TTL_SECONDS,
    );
    const accessToken = await this.accessTokens.sign({ sub: account.id, roles: account.roles, sid: sessionId });
    return { sessionId, accessToken, refreshToken, expiresIn: this.accessTokens.ttlSeconds };
  }

  /**
   * Rotates a refresh token: the old one dies. A token that was already rotated out (or a race of
   * two refreshes with one token) cannot be told from theft, so the whole family is revoked.
   */
  public async refresh(refreshToken: string, origin: RequestOrigin): Promise<TokenPair> {
    const oldHash = this.hasher.hash('refresh-token', refreshToken);
    const sessionId = await this.store.sessionOfRefreshToken(oldHash);
    const session = sessionId ? await this.store.get(sessionId) : null;
    if (!sessionId || !session) {
      throw new DomainError('REFRESH_TOKEN_INVALID', 'The refresh token is not valid; sign in again');
    }
    const account = await this.users.findById(session.userId);
    if (!account || account.status !== 'active') {
      await this.endBySystem(sessionId, session.userId, 'account-inactive', origin);
      throw new DomainError('ACCOUNT_NOT_ACTIVE', 'The account cannot sign in');
    }
    const newToken = newRefreshToken();
    const outcome = await this.store.rotate(
      sessionId,
      oldHash,
      this.hasher.hash('refresh-token', newToken),
      this.config.REFRESH_TOKEN_TTL_SECONDS,
      this.clock.now().getTime(),
    );
    if (outcome === 'reused') {
      await this.events.record({ kind: 'refresh_token.reused', userId: session.userId, sessionId, origin });
      await this.endBySystem(sessionId, session.userId, 'refresh-token-reused', origin);
      throw new DomainError('REFRESH_TOKEN_REUSED', 'The refresh token was already used; the session has been ended');
    }
    if (outcome === 'gone') {
      throw new DomainError('REFRESH_TOKEN_INVALID', 'The refresh token is not valid; sign in again');
    }
    await this.store.updateRolesForUser(account.id, account.roles);
    const accessToken = await this.accessTokens.sign({ sub: account.id, roles: account.roles, sid: sessionId });
    return { accessToken, refreshToken: newToken, expiresIn: this.accessTokens.ttlSeconds };
  }

  /** The session's roles and second factor when it is still alive (and extends it, as every API call does). */
  public live(sessionId: string, userId: string): Promise<{ roles: Role[]; mfaAt: number | null } | null> {
    return this.store.touch(sessionId, userId, this.clock.now().getTime());
  }

  public list(userId: string): Promise<SessionRecord[]> {
    return this.store.listForUser(userId);
  }

  /** Ends one of the caller's sessions (audited); SESSION_NOT_FOUND for an unknown one or someone else's. */
  public async end(user: AuthenticatedUser, sessionId: string, origin: RequestOrigin): Promise<void> {
    const session = await this.store.get(sessionId);
    if (!session || session.userId !== user.userId) throw sessionNotFound();
    const reason = user.sessionId === sessionId ? 'logout' : 'owner';
    const revocation: SessionRevocation = { actor: user, userId: user.userId, sessionIds: [sessionId], reason, origin };
    await this.revocations.commit(revocation, async () => {
      if (!(await this.store.end(sessionId, user.userId))) throw sessionNotFound();
    });
  }

  /** Ends every live session of `userId` (logout everywhere; audited); returns how many there were. */
  public endAll(actor: AuthenticatedUser, userId: string, origin: RequestOrigin): Promise<number> {
    return this.revokeAll({ actor, userId, reason: 'logout-all', origin });
  }

  /** Staff end every live session of a player (audited with their note); USER_NOT_FOUND for an unknown one. */
  public async endAllByStaff(
    actor: AuthenticatedUser,
    userId: string,
    note: string,
    origin: RequestOrigin,
  ): Promise<number> {
    if (!(await this.users.findById(userId))) throw new DomainError('USER_NOT_FOUND', 'No such user');
    return this.revokeAll({ actor, userId, reason: 'staff', note, origin });
  }

  /** The system ends a session on its own (audited, actor `system`); a session already gone is not recorded. */
  private async endBySystem(
    sessionId: string,
    userId: string,
    reason: SystemRevocationReason,
    origin: RequestOrigin,
  ): Promise<void> {
    const revocation: SessionRevocation = { actor: SYSTEM_ACTOR, userId, sessionIds: [sessionId], reason, origin };
    await this.revocations
      .commit(revocation, async () => {
        if (!(await this.store.end(sessionId, userId))) throw sessionNotFound();
      })
      .catch(async (error: unknown) => {
        if (error instanceof DomainError && error.code === 'SESSION_NOT_FOUND') return;
        // A session the system must end (a possibly stolen token) still ends when its record cannot be written.
        await this.store.end(sessionId, userId);
        throw error;
      });
  }

  private async revokeAll(revocation: Omit<SessionRevocation, 'sessionIds'>): Promise<number> {
    const { userId } = revocation;
    const sessionIds = (await this.store.listForUser(userId)).map((session) => session.id);
    await this.revocations.commit({ ...revocation, sessionIds }, () => this.store.endMany(userId, sessionIds));
    return sessionIds.length;
  }

  /** Marks a session as having just passed a second factor (step-up). */
  public async markMfa(sessionId: string, factor?: string): Promise<void> {
    await this.store.markMfa(sessionId, this.clock.now().getTime(), factor);
  }

  public updateRoles(account: UserAccount): Promise<void> {
    return this.store.updateRolesForUser(account.id, account.roles);
  }
}

function sessionNotFound(): DomainError {
  return new DomainError('SESSION_NOT_FOUND', 'No such session');
}

function newRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}
