import {
  GAME_SESSION_OPENED,
  type GameRoundClosedEvent,
  type GameSessionClosedEvent,
  type GameSessionOpenedEvent,
} from '@casino/contracts';
import { minorUnits, unixSeconds, type PlayerDimensions } from './fact-rows';

/** One row of `game_sessions` (migration 005) per opened or closed event; a closed event knows fewer columns. */
export interface GameSessionRow {
  event_id: string;
  occurred_at: number;
  event_kind: 'opened' | 'closed';
  session_id: string;
  user_id: string;
  game_id: string;
  provider: string;
  game_code: string;
  mode: string;
  platform: string;
  currency: string;
  reason: string;
}

/** One row of `game_rounds` (migration 005) per closed round; totals are Int64 minor units as strings. */
export interface GameRoundRow {
  round_id: string;
  event_id: string;
  opened_at: number;
  closed_at: number;
  provider: string;
  provider_round_id: string;
  game_code: string;
  user_id: string;
  currency: string;
  total_bet: string;
  total_win: string;
  country: string;
  brand: string;
}

export type GameSessionEvent = GameSessionOpenedEvent | GameSessionClosedEvent;

export function gameSessionRow(event: GameSessionEvent): GameSessionRow {
  const common = {
    event_id: event.id,
    session_id: event.payload.sessionId,
    user_id: event.payload.userId ?? '',
    game_id: event.payload.gameId,
    provider: event.payload.providerCode,
  };
  if (event.type === GAME_SESSION_OPENED) {
    const { payload } = event;
    return {
      ...common,
      occurred_at: unixSeconds(payload.openedAt),
      event_kind: 'opened',
      game_code: payload.gameCode,
      mode: payload.mode,
      platform: payload.platform,
      currency: payload.currency ?? '',
      reason: '',
    };
  }
  const { payload } = event;
  return {
    ...common,
    occurred_at: unixSeconds(payload.closedAt),
    event_kind: 'closed',
    game_code: '',
    mode: '',
    platform: '',
    currency: '',
    reason: payload.reason,
  };
}

export function gameRoundRow(event: GameRoundClosedEvent, player: PlayerDimensions): GameRoundRow {
  const { payload } = event;
  return {
    round_id: payload.roundId,
    event_id: event.id,
    opened_at: unixSeconds(payload.openedAt),
    closed_at: unixSeconds(payload.closedAt),
    provider: payload.providerCode,
    provider_round_id: payload.providerRoundId,
    game_code: payload.gameCode,
    user_id: payload.userId,
    currency: payload.currency,
    total_bet: minorUnits(payload.totalBet),
    total_win: minorUnits(payload.totalWin),
    country: player.country,
    brand: player.brand,
  };
}
