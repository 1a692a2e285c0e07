import type { DomainEventEnvelope } from './envelope';

export const GAME_SESSION_OPENED = 'game.session.opened';
export const GAME_SESSION_CLOSED = 'game.session.closed';
export const GAME_ROUND_CLOSED = 'game.round.closed';

export type GameMode = 'real' | 'demo';

/** A player (or an anonymous visitor in demo mode) opened a game. */
export interface GameSessionOpenedV1 {
  sessionId: string;
  /** Absent in demo mode. */
  userId?: string;
  gameId: string;
  providerCode: string;
  gameCode: string;
  mode: GameMode;
  platform: 'desktop' | 'mobile';
  /** Absent in demo mode, where no money moves. */
  currency?: string;
  openedAt: string;
}

/** A session ended: idle past its time-to-live (found by the sweeper or a provider's call), or a newer session replaced it. */
export interface GameSessionClosedV1 {
  sessionId: string;
  userId?: string;
  gameId: string;
  providerCode: string;
  reason: 'expired' | 'replaced';
  closedAt: string;
}

/** A round the provider marked closed; amounts are integer minor units as decimal strings. */
export interface GameRoundClosedV1 {
  roundId: string;
  providerCode: string;
  /** The provider's own round id (not globally unique: provider + user + game + round is). */
  providerRoundId: string;
  userId: string;
  gameCode: string;
  currency: string;
  /** Stakes and wins that stand (rolled-back transactions excluded). */
  totalBet: string;
  totalWin: string;
  openedAt: string;
  closedAt: string;
}

export type GameSessionOpenedEvent = DomainEventEnvelope<typeof GAME_SESSION_OPENED, GameSessionOpenedV1>;
export type GameSessionClosedEvent = DomainEventEnvelope<typeof GAME_SESSION_CLOSED, GameSessionClosedV1>;
export type GameRoundClosedEvent = DomainEventEnvelope<typeof GAME_ROUND_CLOSED, GameRoundClosedV1>;
