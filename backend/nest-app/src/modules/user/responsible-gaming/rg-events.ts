import {
  USER_RG_EXCLUDED,
  USER_RG_LIMIT_CHANGED,
  type UserRgExcludedEvent,
  type UserRgLimitChangedEvent,
} from '@casino/contracts';
import { domainEvent } from '../../../infra/outbox/domain-event.factory';
import type { Exclusion } from './rg-exclusions.repository';
import type { LimitChangeRecord } from './rg-limits.repository';

/** The limits log's row as an event (no actor, no reason: reporting needs neither, and a reason is free text). */
export function rgLimitChangedEvent(userId: string, change: LimitChangeRecord): UserRgLimitChangedEvent {
  return domainEvent(USER_RG_LIMIT_CHANGED, 1, userId, {
    userId,
    limit: change.key,
    action: change.action,
    previousValue: change.previousValue?.toString() ?? null,
    requestedValue: change.requestedValue?.toString() ?? null,
    effectiveValue: change.effectiveValue?.toString() ?? null,
    currency: change.currency,
    changedAt: change.occurredAt.toISOString(),
  });
}

export function rgExcludedEvent(userId: string, exclusion: Omit<Exclusion, 'id'>): UserRgExcludedEvent {
  return domainEvent(USER_RG_EXCLUDED, 1, userId, {
    userId,
    kind: exclusion.kind,
    period: exclusion.period,
    startsAt: exclusion.startsAt.toISOString(),
    endsAt: exclusion.endsAt?.toISOString() ?? null,
  });
}
