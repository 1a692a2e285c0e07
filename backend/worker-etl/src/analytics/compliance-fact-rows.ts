import { USER_RG_EXCLUDED, type UserKycChangedEvent, type UserRgEvent } from '@casino/contracts';
import { unixSeconds, type PlayerDimensions } from './fact-rows';

/** One row of `kyc_events` (ClickHouse migration 008) per KYC status change. */
export interface KycEventRow {
  event_id: string;
  occurred_at: number;
  user_id: string;
  from_status: string;
  status: string;
  level: string;
  actor_type: string;
  country: string;
  brand: string;
}

/** One row of `rg_events` (migration 008) per limit change or exclusion; the other kind's columns are empty. */
export interface RgEventRow {
  event_id: string;
  occurred_at: number;
  user_id: string;
  change_kind: 'limit' | 'exclusion';
  limit_key: string;
  action: string;
  previous_value: string;
  requested_value: string;
  effective_value: string;
  currency: string;
  exclusion_kind: string;
  period: string;
  /** Unix seconds; 0 for a permanent self-exclusion (and for a limit change). */
  ends_at: number;
  country: string;
  brand: string;
}

export function kycEventRow(event: UserKycChangedEvent, player: PlayerDimensions): KycEventRow {
  const { payload } = event;
  return {
    event_id: event.id,
    occurred_at: unixSeconds(payload.changedAt),
    user_id: payload.userId,
    from_status: payload.fromStatus,
    status: payload.status,
    level: payload.level,
    actor_type: payload.actorType,
    country: player.country,
    brand: player.brand,
  };
}

/** A limit value as its decimal text, '' for "no limit" (checked to be an integer: never a wrong figure loaded). */
function limitValue(value: string | null): string {
  if (value === null) return '';
  if (!/^\d{1,19}$/.test(value)) throw new RangeError(`${value} is not a limit value`);
  return value;
}

export function rgEventRow(event: UserRgEvent, player: PlayerDimensions): RgEventRow {
  const base = { event_id: event.id, user_id: event.payload.userId, country: player.country, brand: player.brand };
  const none = {
    limit_key: '',
    action: '',
    previous_value: '',
    requested_value: '',
    effective_value: '',
    currency: '',
  };
  if (event.type === USER_RG_EXCLUDED) {
    const { payload } = event;
    return {
      ...base,
      ...none,
      occurred_at: unixSeconds(payload.startsAt),
      change_kind: 'exclusion',
      exclusion_kind: payload.kind,
      period: payload.period,
      ends_at: payload.endsAt === null ? 0 : unixSeconds(payload.endsAt),
    };
  }
  const { payload } = event;
  return {
    ...base,
    occurred_at: unixSeconds(payload.changedAt),
    change_kind: 'limit',
    limit_key: payload.limit,
    action: payload.action,
    previous_value: limitValue(payload.previousValue),
    requested_value: limitValue(payload.requestedValue),
    effective_value: limitValue(payload.effectiveValue),
    currency: payload.currency ?? '',
    exclusion_kind: '',
    period: '',
    ends_at: 0,
  };
}
