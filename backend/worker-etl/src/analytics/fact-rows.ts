import type {
  PaymentIntentEvent,
  UserRegisteredEvent,
  WalletHoldEvent,
  WalletTransactionCompletedEvent,
} from '@casino/contracts';

/** A player's reporting dimensions, looked up once per batch (migration 002's `players`). */
export interface PlayerDimensions {
  country: string;
  brand: string;
}

export const UNKNOWN_PLAYER: PlayerDimensions = { country: '', brand: '' };

/** One row of `wallet_transactions` (migration 002). Amounts stay minor-unit strings; times are Unix seconds. */
export interface WalletTransactionRow {
  event_id: string;
  occurred_at: number;
  transaction_id: string;
  transaction_type: string;
  reverses_type: string;
  user_id: string;
  wallet_id: string;
  currency: string;
  cash_amount: string;
  bonus_amount: string;
  held_amount: string;
  provider: string;
  payment_method: string;
  game_code: string;
  round_id: string;
  idempotency_scope: string;
  country: string;
  brand: string;
}

export interface PaymentEventRow {
  event_id: string;
  occurred_at: number;
  event_type: string;
  intent_id: string;
  user_id: string;
  kind: string;
  provider: string;
  method: string;
  status: string;
  currency: string;
  amount: string;
  country: string;
  brand: string;
}

export interface PlayerRow {
  user_id: string;
  registered_at: number;
  country: string;
  currency: string;
  brand: string;
  version: number;
}

/** One row of `wallet_holds` (migration 005) per placed, captured or released event. */
export interface WalletHoldRow {
  event_id: string;
  occurred_at: number;
  event_kind: string;
  hold_id: string;
  wallet_id: string;
  user_id: string;
  transaction_id: string;
  provider: string;
  currency: string;
  amount: string;
  country: string;
  brand: string;
}

export const unixSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * An event's decimal minor-unit string as the Int64 ClickHouse stores, kept a string all the way (a JS number loses
 * exactness past 2^53). Throws on anything that is not an integer in Int64's range rather than load a wrong value.
 */
export function minorUnits(decimal: string): string {
  if (!/^-?\d{1,19}$/.test(decimal)) throw new RangeError(`${decimal} is not an integer amount`);
  const value = BigInt(decimal);
  if (value > INT64_MAX || value < INT64_MIN) throw new RangeError(`${decimal} does not fit Int64`);
  return value.toString();
}

/** The signed change of each player balance, summed from the ledger entries by account kind. */
export function playerBalanceChanges(entries: readonly { accountKind: string; amount: string }[]): {
  cash: bigint;
  bonus: bigint;
  held: bigint;
} {
  const change = { cash: 0n, bonus: 0n, held: 0n };
  for (const entry of entries) {
    if (entry.accountKind === 'player_cash') change.cash += BigInt(entry.amount);
    else if (entry.accountKind === 'player_bonus') change.bonus += BigInt(entry.amount);
    else if (entry.accountKind === 'player_held') change.held += BigInt(entry.amount);
  }
  return change;
}

/**
 * What a rollback reverses, from its own money: undoing a bet gives the player money back, undoing a win takes it
 * (a rollback of a zero win moves nothing and counts as a win's). Decided from the event alone, so a rollback loads
 * the same whether or not its bet was loaded first (redeliveries reorder).
 */
export function reversedType(type: string, change: { cash: bigint; bonus: bigint }): string {
  if (type !== 'rollback') return '';
  return change.cash + change.bonus > 0n ? 'bet' : 'win';
}

export interface WalletTransactionFacts {
  eventId: string;
  occurredAt: string;
  transactionId: string;
  transactionType: string;
  userId: string;
  walletId: string;
  currency: string;
  entries: readonly { accountKind: string; amount: string }[];
  reference: Readonly<Record<string, string>>;
  idempotencyScope: string;
}

/** The row of one ledger transaction, from its event or (backfill) from the ledger itself: one mapping for both. */
export function walletTransactionRow(facts: WalletTransactionFacts, player: PlayerDimensions): WalletTransactionRow {
  const change = playerBalanceChanges(facts.entries);
  return {
    event_id: facts.eventId,
    occurred_at: unixSeconds(facts.occurredAt),
    transaction_id: facts.transactionId,
    transaction_type: facts.transactionType,
    reverses_type: reversedType(facts.transactionType, change),
    user_id: facts.userId,
    wallet_id: facts.walletId,
    currency: facts.currency,
    cash_amount: change.cash.toString(),
    bonus_amount: change.bonus.toString(),
    held_amount: change.held.toString(),
    provider: facts.reference['provider'] ?? '',
    payment_method: facts.reference['paymentMethod'] ?? '',
    game_code: facts.reference['gameCode'] ?? '',
    round_id: facts.reference['round'] ?? '',
    idempotency_scope: facts.idempotencyScope,
    country: player.country,
    brand: player.brand,
  };
}

export function walletTransactionFactsOf(event: WalletTransactionCompletedEvent): WalletTransactionFacts {
  const { payload } = event;
  return {
    eventId: event.id,
    occurredAt: event.occurredAt,
    transactionId: payload.transactionId,
    transactionType: payload.transactionType,
    userId: payload.userId,
    walletId: payload.walletId,
    currency: payload.currency,
    entries: payload.entries,
    reference: payload.reference ?? {},
    idempotencyScope: payload.idempotencyScope ?? '',
  };
}

export function paymentEventRow(event: PaymentIntentEvent, player: PlayerDimensions): PaymentEventRow {
  const { payload } = event;
  return {
    event_id: event.id,
    occurred_at: unixSeconds(event.occurredAt),
    event_type: event.type,
    intent_id: payload.intentId,
    user_id: payload.userId,
    kind: payload.kind,
    provider: payload.provider,
    method: payload.method ?? '',
    status: payload.status,
    currency: payload.currency,
    amount: payload.amount,
    country: player.country,
    brand: player.brand,
  };
}

/** `wallet.hold.placed` → `placed`. */
export function walletHoldRow(event: WalletHoldEvent, player: PlayerDimensions): WalletHoldRow {
  const { payload } = event;
  return {
    event_id: event.id,
    occurred_at: unixSeconds(event.occurredAt),
    event_kind: event.type.slice('wallet.hold.'.length),
    hold_id: payload.holdId,
    wallet_id: payload.walletId,
    user_id: payload.userId,
    transaction_id: payload.transactionId ?? '',
    provider: payload.provider ?? '',
    currency: payload.currency,
    amount: minorUnits(payload.amount),
    country: player.country,
    brand: player.brand,
  };
}

export function playerRow(event: UserRegisteredEvent): PlayerRow {
  const { payload } = event;
  return {
    user_id: payload.userId,
    registered_at: unixSeconds(payload.registeredAt),
    country: payload.country ?? '',
    currency: payload.currency,
    brand: '',
    version: unixSeconds(event.occurredAt),
  };
}
