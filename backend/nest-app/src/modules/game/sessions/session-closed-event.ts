import { GAME_SESSION_CLOSED, type GameSessionClosedEvent, type GameSessionClosedV1 } from '@casino/contracts';
import { domainEvent } from '../../../infra/outbox/domain-event.factory';

export interface ClosedSession {
  id: string;
  userId: string | null;
  gameId: string;
}

/** The one `game.session.closed` of a session, written in the transaction that closed it. */
export function sessionClosedEvent(
  session: ClosedSession,
  providerCode: string,
  reason: GameSessionClosedV1['reason'],
  closedAt: Date,
): GameSessionClosedEvent {
  const payload: GameSessionClosedV1 = {
    sessionId: session.id,
    ...(session.userId ? { userId: session.userId } : {}),
    gameId: session.gameId,
    providerCode,
    reason,
    closedAt: closedAt.toISOString(),
  };
  return domainEvent(GAME_SESSION_CLOSED, 1, session.id, payload);
}
