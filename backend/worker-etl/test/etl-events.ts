import type {
  GameRoundClosedEvent,
  GameSessionClosedEvent,
  GameSessionOpenedEvent,
  LedgerEntryV1,
  PaymentIntentEvent,
  UserRegisteredEvent,
  WalletHoldEvent,
  WalletTransactionCompletedEvent,
  WalletTransactionType,
} from '@casino/contracts';
import { randomUUID } from 'node:crypto';

/** Domain events as the platform publishes them, for the loader's suites. */
export function registered(userId: string, country: string, at = '2026-12-01T10:00:00.000Z'): UserRegisteredEvent {
  return {
    id: randomUUID(),
    type: 'user.registered',
    version: 1,
    occurredAt: at,
    aggregateId: userId,
    payload: { userId, currency: 'EUR', country, registeredAt: at },
  };
}

export interface Movement {
  userId: string;
  type: WalletTransactionType;
  /** The signed change of the player's cash and bonus. */
  cash: bigint;
  bonus?: bigint;
  currency?: string;
  at?: string;
  game?: string;
}

/** A completed wallet transaction whose entries move `cash`/`bonus` against the game's (or PSP's) account. */
export function transaction(movement: Movement): WalletTransactionCompletedEvent {
  const currency = movement.currency ?? 'EUR';
  const walletId = `wallet-of-${movement.userId}`;
  const bonus = movement.bonus ?? 0n;
  const entries: LedgerEntryV1[] = [];
  const entry = (accountKind: string, amount: bigint) =>
    entries.push({ accountId: randomUUID(), accountKind, amount: amount.toString(), currency });
  if (movement.cash !== 0n) entry('player_cash', movement.cash);
  if (bonus !== 0n) entry('player_bonus', bonus);
  if (movement.cash + bonus !== 0n) entry('game_settlement', -(movement.cash + bonus));
  return {
    id: randomUUID(),
    type: 'wallet.transaction.completed',
    version: 1,
    occurredAt: movement.at ?? '2026-12-01T12:00:00.000Z',
    aggregateId: walletId,
    payload: {
      walletId,
      userId: movement.userId,
      transactionId: randomUUID(),
      transactionType: movement.type,
      currency,
      amount: (movement.cash + bonus < 0n ? -(movement.cash + bonus) : movement.cash + bonus).toString(),
      entries,
      balanceAfter: { cash: '0', bonus: '0', held: '0', available: '0', currency },
      reference: { provider: 'demo', gameCode: movement.game ?? 'lucky-sevens', round: randomUUID() },
      idempotencyScope: 'game:demo',
    },
  };
}

export function paymentSucceeded(userId: string, amount: bigint): PaymentIntentEvent {
  const intentId = randomUUID();
  return {
    id: randomUUID(),
    type: 'payment.intent.succeeded',
    version: 1,
    occurredAt: '2026-12-01T11:00:00.000Z',
    aggregateId: intentId,
    payload: {
      intentId,
      userId,
      kind: 'deposit',
      provider: 'sandbox',
      amount: amount.toString(),
      currency: 'EUR',
      status: 'succeeded',
      previousStatus: 'processing',
      cause: 'webhook:payment_intent.succeeded',
    },
  };
}

export function sessionOpened(sessionId: string, userId: string, at: string): GameSessionOpenedEvent {
  return {
    id: randomUUID(),
    type: 'game.session.opened',
    version: 1,
    occurredAt: at,
    aggregateId: sessionId,
    payload: {
      sessionId,
      userId,
      gameId: 'game-7',
      providerCode: 'demo',
      gameCode: 'lucky-sevens',
      mode: 'real',
      platform: 'mobile',
      currency: 'EUR',
      openedAt: at,
    },
  };
}

export function sessionClosed(sessionId: string, userId: string, at: string): GameSessionClosedEvent {
  return {
    id: randomUUID(),
    type: 'game.session.closed',
    version: 1,
    occurredAt: at,
    aggregateId: sessionId,
    payload: { sessionId, userId, gameId: 'game-7', providerCode: 'demo', reason: 'expired', closedAt: at },
  };
}

export function roundClosed(userId: string, totalBet: string, totalWin: string): GameRoundClosedEvent {
  const roundId = randomUUID();
  return {
    id: randomUUID(),
    type: 'game.round.closed',
    version: 1,
    occurredAt: '2026-12-01T12:05:00.000Z',
    aggregateId: roundId,
    payload: {
      roundId,
      providerCode: 'demo',
      providerRoundId: `p-${roundId}`,
      userId,
      gameCode: 'lucky-sevens',
      currency: 'EUR',
      totalBet,
      totalWin,
      openedAt: '2026-12-01T12:00:00.000Z',
      closedAt: '2026-12-01T12:05:00.000Z',
    },
  };
}

export function holdEvent(
  type: WalletHoldEvent['type'],
  userId: string,
  holdId: string,
  amount: string,
  at: string,
): WalletHoldEvent {
  const walletId = `wallet-of-${userId}`;
  return {
    id: randomUUID(),
    type,
    version: 1,
    occurredAt: at,
    aggregateId: walletId,
    payload: {
      walletId,
      userId,
      holdId,
      amount,
      currency: 'EUR',
      balanceAfter: { cash: '0', bonus: '0', held: '0', available: '0', currency: 'EUR' },
      transactionId: randomUUID(),
      provider: 'sandbox',
    },
  };
}
