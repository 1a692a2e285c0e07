import {
  PAYMENT_INTENT_EVENT_TYPES,
  WALLET_TRANSACTION_COMPLETED,
  type PaymentIntentEventV1,
  type PaymentIntentStatus,
  type WalletBalancesV1,
  type WalletTransactionCompletedV1,
  type WalletTransactionType,
} from '@casino/contracts';

/** A balance change of the player's wallet: the ledger transaction and the balances after it (minor units). */
export interface BalanceChangedMessage {
  type: 'balance.changed';
  eventId: string;
  occurredAt: string;
  transaction: { id: string; type: WalletTransactionType; amount: string; currency: string };
  balance: WalletBalancesV1;
}

/** A deposit's or withdrawal's new status. */
export interface PaymentStatusChangedMessage {
  type: 'payment.status_changed';
  eventId: string;
  occurredAt: string;
  intentId: string;
  kind: 'deposit' | 'withdrawal';
  status: PaymentIntentStatus;
  previousStatus?: PaymentIntentStatus;
  amount: string;
  currency: string;
}

export type CloseReason = 'token_expired' | 'session_revoked' | 'shutdown';

/** The last message of a stream the gateway ends, then the WebSocket close code or the end of the SSE response. */
export interface StreamClosedMessage {
  type: 'stream.closed';
  reason: CloseReason;
}

/** The first message: the stream is subscribed; `expiresAt` (ISO) is when it closes unless reopened with a new token. */
export interface StreamReadyMessage {
  type: 'stream.ready';
  expiresAt: string;
}

export type PushMessage =
  BalanceChangedMessage | PaymentStatusChangedMessage | StreamClosedMessage | StreamReadyMessage;

/** A domain event as pushed: whose it is, when it happened (epoch ms) and the message, serialised once. */
export interface Push {
  userId: string;
  occurredAtMs: number;
  type: PushMessage['type'];
  json: string;
}

interface Envelope<T> {
  id: string;
  type: string;
  occurredAt: string;
  payload: T;
}

const PAYMENT_TYPES: ReadonlySet<string> = new Set(PAYMENT_INTENT_EVENT_TYPES);

/** The push of a domain event, or null for one that carries nothing for a player (or cannot be read). */
export function pushOf(event: Envelope<unknown>): Push | null {
  if (event.type === WALLET_TRANSACTION_COMPLETED) return balancePush(event as Envelope<WalletTransactionCompletedV1>);
  if (PAYMENT_TYPES.has(event.type)) return paymentPush(event as Envelope<PaymentIntentEventV1>);
  return null;
}

function balancePush(event: Envelope<WalletTransactionCompletedV1>): Push | null {
  const { payload } = event;
  if (typeof payload?.userId !== 'string' || typeof payload.balanceAfter !== 'object') return null;
  const message: BalanceChangedMessage = {
    type: 'balance.changed',
    eventId: event.id,
    occurredAt: event.occurredAt,
    transaction: {
      id: payload.transactionId,
      type: payload.transactionType,
      amount: payload.amount,
      currency: payload.currency,
    },
    balance: {
      cash: payload.balanceAfter.cash,
      bonus: payload.balanceAfter.bonus,
      held: payload.balanceAfter.held,
      available: payload.balanceAfter.available,
      currency: payload.balanceAfter.currency,
    },
  };
  return toPush(payload.userId, event.occurredAt, message);
}

function paymentPush(event: Envelope<PaymentIntentEventV1>): Push | null {
  const { payload } = event;
  if (typeof payload?.userId !== 'string') return null;
  const message: PaymentStatusChangedMessage = {
    type: 'payment.status_changed',
    eventId: event.id,
    occurredAt: event.occurredAt,
    intentId: payload.intentId,
    kind: payload.kind,
    status: payload.status,
    ...(payload.previousStatus === undefined ? {} : { previousStatus: payload.previousStatus }),
    amount: payload.amount,
    currency: payload.currency,
  };
  return toPush(payload.userId, event.occurredAt, message);
}

function toPush(userId: string, occurredAt: string, message: PushMessage): Push | null {
  const occurredAtMs = Date.parse(occurredAt);
  if (Number.isNaN(occurredAtMs)) return null;
  return { userId, occurredAtMs, type: message.type, json: JSON.stringify(message) };
}
