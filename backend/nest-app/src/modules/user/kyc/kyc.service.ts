import { DomainError, EVENT_STREAMS, USER_KYC_CHANGED } from '@casino/contracts';
import { fieldProblems } from '@casino/platform';
import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { domainEvent } from '../../../infra/outbox/domain-event.factory';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import type { RequestOrigin } from '../user-directory';
import { PlayEligibilityService } from '../eligibility/play-eligibility.service';
import { userNotFound } from '../users.service';
import type { KycDecisionDto } from './dto/kyc-decision.dto';
import type { KycReviewDto } from './dto/kyc-history-entry.dto';
import type { KycStatusDto } from './dto/kyc-status.dto';
import { KycWebhookEventDto } from './dto/kyc-webhook-event.dto';
import { KycRepository, type KycHistoryEntry, type KycState } from './kyc.repository';
import { assertKycTransition, levelSatisfies, type KycLevel, type KycStatus } from './kyc-state-machine';
import { verifyKycSignature } from './kyc-webhook-signature';

interface Transition {
  to: KycStatus;
  level: KycLevel;
  reason: string | null;
  actorType: KycHistoryEntry['actorType'];
  actorId: string | null;
  providerEventId?: string;
  /** The provider confirmed the date of birth, whatever the check's outcome (its age check). */
  ageVerified?: boolean;
}

export interface KycSummary {
  status: KycStatus;
  level: KycLevel | null;
}

/**
 * KYC checks: a player starts one, the provider's signed webhook or a compliance officer decides it.
 * Every change goes through the state machine and leaves a history row in the same transaction.
 */
@Injectable()
export class KycService {
  private readonly logger = new Logger(KycService.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly kyc: KycRepository,
    private readonly auditLog: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly eligibility: PlayEligibilityService,
    private readonly outbox: OutboxWriter,
  ) {}

  /** For payment and game modules; `manager`: read inside the caller's transaction. */
  public async getStatus(userId: string, manager?: EntityManager): Promise<KycSummary> {
    const state = await this.kyc.findByUserId(userId, manager);
    return state ? { status: state.status, level: state.level } : { status: 'not_started', level: null };
  }

  /** KYC_REQUIRED unless the user's check is verified at `level` or above. */
  public async assertVerified(userId: string, level: KycLevel = 'basic', manager?: EntityManager): Promise<void> {
    const { status, level: held } = await this.getStatus(userId, manager);
    if (status !== 'verified' || held === null || !levelSatisfies(held, level)) {
      throw new DomainError('KYC_REQUIRED', 'Identity verification is required first', {
        status,
        level: held,
        requiredLevel: level,
      });
    }
  }

  public async describe(userId: string): Promise<KycStatusDto> {
    return toStatusDto(await this.kyc.findByUserId(userId));
  }

  /** A user's check and its history for staff; USER_NOT_FOUND for an id that is nobody's (not an empty review). */
  public async review(userId: string): Promise<KycReviewDto> {
    const [state, history] = await Promise.all([this.kyc.findByUserId(userId), this.kyc.listHistory(userId)]);
    if (state === null && !(await this.kyc.userExists(userId))) throw userNotFound(userId);
    return {
      current: toStatusDto(state),
      history: history.map((entry) => ({
        fromStatus: entry.fromStatus,
        toStatus: entry.toStatus,
        level: entry.level,
        reason: entry.reason,
        actorType: entry.actorType,
        actorId: entry.actorId,
        occurredAt: entry.occurredAt.toISOString(),
      })),
    };
  }

  /** not_started or rejected → pending, with a fresh provider reference for the provider's SDK. */
  public async startCheck(userId: string, level: KycLevel): Promise<KycStatusDto> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockAndLoad(manager, userId);
      const reference = randomUUID();
      const transition: Transition = { to: 'pending', level, reason: null, actorType: 'player', actorId: userId };
      return toStatusDto(await this.apply(manager, userId, current, transition, reference));
    });
  }

  /** A compliance officer's decision on a pending check; audited in the same transaction. */
  public async decide(
    staff: AuthenticatedUser,
    userId: string,
    decision: KycDecisionDto,
    origin: RequestOrigin,
  ): Promise<KycStatusDto> {
    if (staff.userId === userId) {
      throw new DomainError('FORBIDDEN', 'Staff cannot decide their own KYC');
    }
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockAndLoad(manager, userId);
      const transition: Transition = {
        to: decision.status,
        level: decision.level,
        reason: decision.reason,
        actorType: 'staff',
        actorId: staff.userId,
      };
      const next = await this.apply(manager, userId, current, transition, current?.providerReference ?? null);
      await this.auditLog.record(
        {
          actorId: staff.userId,
          actorRoles: staff.roles,
          action: 'kyc.decide',
          targetType: 'user',
          targetId: userId,
          ip: origin.ip,
          userAgent: origin.userAgent,
          requestId: origin.requestId,
          details: {
            from: current?.status ?? 'not_started',
            to: decision.status,
            level: decision.level,
            reason: decision.reason,
          },
        },
        manager,
      );
      return toStatusDto(next);
    });
  }

  /** The provider's signed result. Verified before anything is parsed; a repeated event id changes nothing. */
  public async handleWebhook(
    provider: string,
    signature: string | undefined,
    rawBody: Buffer | undefined,
  ): Promise<{ accepted: true; duplicate: boolean }> {
    if (provider !== this.config.KYC_PROVIDER) {
      throw new DomainError('KYC_PROVIDER_UNKNOWN', 'No such KYC provider', { provider });
    }
    const body = rawBody ?? Buffer.alloc(0);
    verifyKycSignature(
      signature,
      body,
      this.config.KYC_WEBHOOK_SECRET,
      this.clock.now(),
      this.config.KYC_WEBHOOK_TOLERANCE_SECONDS,
    );
    const event = parseWebhookEvent(body);
    const userId = await this.kyc.findUserIdByReference(provider, event.reference);
    if (!userId) {
      throw new DomainError('RESOURCE_NOT_FOUND', 'No KYC check has this reference', { reference: event.reference });
    }
    return this.dataSource.transaction(async (manager) => {
      const current = await this.lockAndLoad(manager, userId);
      if (await this.kyc.hasProviderEvent(manager, provider, event.eventId)) {
        return { accepted: true as const, duplicate: true };
      }
      const transition: Transition = {
        to: event.status,
        level: event.level,
        reason: event.reason ?? null,
        actorType: 'provider',
        actorId: provider,
        providerEventId: event.eventId,
        ageVerified: event.ageVerified === true,
      };
      await this.apply(manager, userId, current, transition, event.reference);
      return { accepted: true as const, duplicate: false };
    });
  }

  private async lockAndLoad(manager: EntityManager, userId: string): Promise<KycState | null> {
    if (!(await this.kyc.lockUser(manager, userId))) throw userNotFound(userId);
    return this.kyc.findByUserId(userId, manager);
  }

  private async apply(
    manager: EntityManager,
    userId: string,
    current: KycState | null,
    transition: Transition,
    reference: string | null,
  ): Promise<KycState> {
    const from = current?.status ?? 'not_started';
    assertKycTransition(from, transition.to);
    const now = this.clock.now();
    const decided = transition.to === 'verified' || transition.to === 'rejected';
    const next: KycState = {
      userId,
      status: transition.to,
      level: transition.level,
      provider: this.config.KYC_PROVIDER,
      providerReference: reference ?? randomUUID(),
      reason: transition.reason,
      reviewedBy: decided ? `${transition.actorType}:${transition.actorId ?? ''}` : null,
      decidedAt: decided ? now : null,
      updatedAt: now,
    };
    await this.kyc.save(manager, next);
    await this.kyc.appendHistory(manager, userId, {
      fromStatus: from,
      toStatus: transition.to,
      level: transition.level,
      reason: transition.reason,
      actorType: transition.actorType,
      actorId: transition.actorId,
      provider: transition.actorType === 'provider' ? this.config.KYC_PROVIDER : null,
      providerEventId: transition.providerEventId ?? null,
      occurredAt: now,
    });
    // For the ClickHouse facts (kyc_events): the change, without the reason (free text) or who decided.
    await this.outbox.append(manager, EVENT_STREAMS.USER, [
      domainEvent(USER_KYC_CHANGED, 1, userId, {
        userId,
        fromStatus: from,
        status: transition.to,
        level: transition.level,
        actorType: transition.actorType,
        changedAt: now.toISOString(),
      }),
    ]);
    // A verified identity check confirms the date of birth too; the age verification stays when a later check fails.
    if (next.reviewedBy !== null && (transition.to === 'verified' || transition.ageVerified)) {
      await this.eligibility.recordAgeVerified(manager, userId, `kyc:${next.reviewedBy}`);
    }
    this.logger.log({ userId, from, to: transition.to, actor: transition.actorType }, 'KYC status changed');
    return next;
  }
}

function parseWebhookEvent(body: Buffer): KycWebhookEventDto {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new DomainError('MALFORMED_REQUEST', 'The request body could not be parsed');
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new DomainError('MALFORMED_REQUEST', 'The request body must be a JSON object');
  }
  const event = plainToInstance(KycWebhookEventDto, parsed);
  const errors = validateSync(event, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new DomainError('VALIDATION_FAILED', 'The request is invalid', { fields: fieldProblems(errors) });
  }
  return event;
}

function toStatusDto(state: KycState | null): KycStatusDto {
  return {
    status: state?.status ?? 'not_started',
    level: state?.level ?? null,
    reason: state?.reason ?? null,
    providerReference: state?.status === 'pending' ? state.providerReference : null,
    updatedAt: state?.updatedAt.toISOString() ?? null,
  };
}
