import { EVENT_STREAMS } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import { ConsentsService } from '../consents/consents.service';
import { UsersRepository } from '../users.repository';
import { userNotFound } from '../users.service';
import type { SelfExclusionPeriod } from './dto/exclusion-requests.dto';
import type { LimitViewDto, RgSettingsDto } from './dto/rg-settings.dto';
import type { UpdateRgLimitsDto } from './dto/update-rg-limits.dto';
import { confirmLimitChange, requestLimitChange } from './limit-change-policy';
import { RgActivityRepository } from './rg-activity.repository';
import { rgExcludedEvent, rgLimitChangedEvent } from './rg-events';
import { RgExclusionsRepository, type Exclusion } from './rg-exclusions.repository';
import { RgLimitsRepository, type LimitChangeRecord, type StoredLimit } from './rg-limits.repository';
import { isMoneyLimitKey, LIMIT_KEYS, NO_LIMIT, periodOf, type LimitKey, type MoneyLimitKey } from './rg-limit-types';
import { addMonths, periodWindow, utcDay } from './rg-periods';

const SELF_EXCLUSION_MONTHS: Record<SelfExclusionPeriod, number | null> = {
  '6m': 6,
  '1y': 12,
  '5y': 60,
  permanent: null,
};

/**
 * The player's own limits and exclusions. Every change leaves a row saying who, when and why, and an event on the
 * user stream (`user.rg.*`, for the ClickHouse facts) in the same transaction.
 */
@Injectable()
export class RgSettingsService {
  private readonly logger = new Logger(RgSettingsService.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly limits: RgLimitsRepository,
    private readonly exclusions: RgExclusionsRepository,
    private readonly activity: RgActivityRepository,
    private readonly users: UsersRepository,
    private readonly consents: ConsentsService,
    private readonly clock: Clock,
    private readonly outbox: OutboxWriter,
  ) {}

  public async view(userId: string): Promise<RgSettingsDto> {
    const now = this.clock.now();
    const stored = new Map((await this.limits.findAll(userId)).map((limit) => [limit.key, limit]));
    const limits: Record<string, LimitViewDto> = {};
    for (const key of LIMIT_KEYS) {
      limits[key] = await this.viewLimit(userId, key, stored.get(key), now);
    }
    const [exclusion] = await this.exclusions.findActive(userId, now);
    return { limits, exclusion: exclusion ? toExclusionView(exclusion) : null };
  }

  public async updateLimits(userId: string, request: UpdateRgLimitsDto, actorId: string): Promise<RgSettingsDto> {
    const user = await this.users.findById(userId);
    if (!user) throw userNotFound(userId);
    await this.dataSource.transaction(async (manager) => {
      const stored = new Map((await this.limits.lockAll(manager, userId)).map((limit) => [limit.key, limit]));
      const now = this.clock.now();
      for (const key of LIMIT_KEYS) {
        const raw = request[key];
        if (raw === undefined) continue;
        const requested = raw === null ? null : BigInt(raw);
        const current = stored.get(key) ?? { ...NO_LIMIT, key, currency: null };
        const { action, next } = requestLimitChange(current, requested, now);
        if (action === 'unchanged') continue;
        const currency = isMoneyLimitKey(key) ? (current.value !== null ? current.currency : user.currency) : null;
        await this.limits.save(manager, userId, { ...next, key, currency }, now);
        await this.recordChange(manager, userId, {
          key,
          action,
          previousValue: current.value,
          requestedValue: requested,
          effectiveValue: next.value,
          currency,
          actorId,
          reason: request.reason ?? null,
          occurredAt: now,
        });
      }
    });
    return this.view(userId);
  }

  /** After the cooling-off, the player confirms a pending increase or removal and it takes effect. */
  public async confirm(userId: string, key: LimitKey, actorId: string): Promise<RgSettingsDto> {
    await this.dataSource.transaction(async (manager) => {
      const current = (await this.limits.lockAll(manager, userId)).find((limit) => limit.key === key) ?? {
        ...NO_LIMIT,
        key,
        currency: null,
      };
      const now = this.clock.now();
      const next = confirmLimitChange(current, now);
      await this.limits.save(manager, userId, { ...next, key, currency: current.currency }, now);
      await this.recordChange(manager, userId, {
        key,
        action: 'confirmed',
        previousValue: current.value,
        requestedValue: current.pendingValue,
        effectiveValue: next.value,
        currency: current.currency,
        actorId,
        reason: null,
        occurredAt: now,
      });
    });
    return this.view(userId);
  }

  public async timeOut(userId: string, hours: number, reason: string | null, actorId: string): Promise<RgSettingsDto> {
    const now = this.clock.now();
    const endsAt = new Date(now.getTime() + hours * 3_600_000);
    return this.exclude(userId, { kind: 'time_out', period: `${hours}h`, startsAt: now, endsAt, reason, actorId });
  }

  public async selfExclude(
    userId: string,
    period: SelfExclusionPeriod,
    reason: string | null,
    actorId: string,
  ): Promise<RgSettingsDto> {
    const now = this.clock.now();
    const months = SELF_EXCLUSION_MONTHS[period];
    const endsAt = months === null ? null : addMonths(now, months);
    return this.exclude(userId, { kind: 'self_exclusion', period, startsAt: now, endsAt, reason, actorId });
  }

  private async exclude(userId: string, exclusion: Omit<Exclusion, 'id'>): Promise<RgSettingsDto> {
    if (!(await this.users.findById(userId))) throw userNotFound(userId);
    await this.dataSource.transaction(async (manager: EntityManager) => {
      await this.exclusions.insert(manager, userId, exclusion, this.clock.now());
      await this.outbox.append(manager, EVENT_STREAMS.USER, [rgExcludedEvent(userId, exclusion)]);
      await this.activity.endSession(manager, userId);
      if (exclusion.kind === 'self_exclusion') {
        // LCCP 3.5: a self-excluded player is taken out of marketing.
        await this.consents.withdrawMarketing(manager, userId, 'system:self-exclusion');
      }
    });
    this.logger.log({ userId, kind: exclusion.kind, period: exclusion.period }, 'Player excluded from gambling');
    return this.view(userId);
  }

  private async recordChange(manager: EntityManager, userId: string, change: LimitChangeRecord): Promise<void> {
    await this.limits.recordChange(manager, userId, change);
    await this.outbox.append(manager, EVENT_STREAMS.USER, [rgLimitChangedEvent(userId, change)]);
  }

  private async viewLimit(
    userId: string,
    key: LimitKey,
    limit: StoredLimit | undefined,
    now: Date,
  ): Promise<LimitViewDto> {
    const state = limit ?? { ...NO_LIMIT, key, currency: null };
    const pending =
      state.pendingEffectiveAt && state.pendingRequestedAt
        ? {
            value: state.pendingRemoval ? null : (state.pendingValue?.toString() ?? null),
            requestedAt: state.pendingRequestedAt.toISOString(),
            confirmableAt: state.pendingEffectiveAt.toISOString(),
            confirmable: now.getTime() >= state.pendingEffectiveAt.getTime(),
          }
        : null;
    const usage =
      isMoneyLimitKey(key) && state.value !== null && state.currency
        ? await this.usage(userId, key, state.currency, now)
        : null;
    return {
      value: state.value?.toString() ?? null,
      currency: state.currency,
      pending,
      used: usage?.used ?? null,
      resetsAt: usage?.resetsAt ?? null,
    };
  }

  private async usage(
    userId: string,
    key: MoneyLimitKey,
    currency: string,
    now: Date,
  ): Promise<{ used: string; resetsAt: string }> {
    const window = periodWindow(periodOf(key), now);
    const totals = await this.activity.totals(userId, currency, utcDay(window.start), utcDay(window.end));
    const used = key.startsWith('deposit')
      ? totals.deposits
      : key.startsWith('wager')
        ? totals.wagers
        : totals.wagers - totals.wins;
    return { used: used.toString(), resetsAt: window.end.toISOString() };
  }
}

function toExclusionView(exclusion: Exclusion): RgSettingsDto['exclusion'] {
  return {
    kind: exclusion.kind,
    period: exclusion.period,
    startedAt: exclusion.startsAt.toISOString(),
    until: exclusion.endsAt?.toISOString() ?? null,
  };
}
