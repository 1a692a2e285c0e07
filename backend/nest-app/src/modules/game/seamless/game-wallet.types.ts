/**
 * The protocol-neutral seamless wallet: every provider adapter turns its requests into these
 * commands and maps the outcomes back to its own statuses, so that adding a provider never
 * touches the wallet or this core.
 */
export const GAME_WALLET_FAILURES = [
  'INVALID_REQUEST',
  'AMOUNT_NOT_EXACT',
  'INVALID_SIGNATURE',
  'INVALID_TOKEN',
  'TOKEN_EXPIRED',
  'INVALID_GAME',
  'WRONG_CURRENCY',
  'NOT_ENOUGH_MONEY',
  'USER_DISABLED',
  'LIMIT_REACHED',
  'DUPLICATE_TRANSACTION',
  'TRANSACTION_NOT_FOUND',
  'TRANSACTION_ROLLED_BACK',
  'PROVIDER_DISABLED',
  /** A transient state (the referenced transaction is still being applied): the provider should retry. */
  'RETRY_LATER',
  'UNKNOWN',
] as const;
export type GameWalletFailure = (typeof GAME_WALLET_FAILURES)[number];

/** The provider as the core sees it. */
export interface ProviderRef {
  id: string;
  code: string;
}

export interface PlayerBalance {
  userId: string;
  currency: string;
  /** Cash plus bonus, in minor units: what the player can stake. */
  balance: bigint;
}

export type GameWalletOutcome =
  | ({ ok: true; replayed: boolean } & PlayerBalance)
  | { ok: false; failure: GameWalletFailure; balance?: PlayerBalance };

export interface SessionQuery {
  provider: ProviderRef;
  token: string;
  /** The provider's idea of the player; must match the session's. Null when the protocol omits it. */
  userId: string | null;
  /** Refuse an idle-expired session (balance, bets) or not (wins, rollbacks: reference §4.9). */
  checkExpiry: boolean;
}

interface TransactionCommandBase extends SessionQuery {
  /** The provider's transaction id: the idempotency key (reference §4.2). */
  transactionId: string;
  gameCode: string | null;
  round: string | null;
  roundClosed: boolean;
  /** Kept for support and reconciliation, never interpreted. */
  details: Record<string, unknown>;
}

export interface BetCommand extends TransactionCommandBase {
  kind: 'bet';
  gameCode: string;
  currency: string;
  amount: bigint;
  /** Promotional stake, drawn from the bonus balance only. */
  isFree: boolean;
  isPromo: boolean;
  /** The provider's free-bet reward this spin belongs to (Hub88 `reward_uuid`): it debits nothing from the player. */
  rewardUuid?: string | null;
}

export interface WinCommand extends TransactionCommandBase {
  kind: 'win';
  currency: string;
  amount: bigint;
  /** The bet this win settles; null only for a supplier promotion payout. */
  referenceTransactionId: string | null;
  isFree: boolean;
  isPromo: boolean;
  /** The free-bet reward whose spin this win pays: it lands as bonus money on that reward's bonus. */
  rewardUuid?: string | null;
}

export interface RollbackCommand extends TransactionCommandBase {
  kind: 'rollback';
  referenceTransactionId: string;
}

export type TransactionCommand = BetCommand | WinCommand | RollbackCommand;
