import type { DomainEventEnvelope } from './envelope';

export const WALLET_TRANSACTION_COMPLETED = 'wallet.transaction.completed';
export const WALLET_HOLD_PLACED = 'wallet.hold.placed';
export const WALLET_HOLD_CAPTURED = 'wallet.hold.captured';
export const WALLET_HOLD_RELEASED = 'wallet.hold.released';

export const WALLET_TRANSACTION_TYPES = [
  'deposit',
  'withdrawal',
  'bet',
  'win',
  'rollback',
  'adjustment',
  'hold',
  'hold_capture',
  'hold_release',
  // Bonus money (docs/bonuses.md, "Bonus cost"): against the operator's bonus cost account.
  'bonus_grant',
  'bonus_convert',
  'bonus_forfeit',
  'bonus_expire',
] as const;
export type WalletTransactionType = (typeof WALLET_TRANSACTION_TYPES)[number];

/** Amounts are integer minor units as decimal strings. */
export interface LedgerEntryV1 {
  accountId: string;
  accountKind: string;
  amount: string;
  currency: string;
}

export interface WalletBalancesV1 {
  cash: string;
  bonus: string;
  held: string;
  available: string;
  currency: string;
}

export interface WalletTransactionCompletedV1 {
  walletId: string;
  userId: string;
  transactionId: string;
  transactionType: WalletTransactionType;
  currency: string;
  amount: string;
  entries: LedgerEntryV1[];
  balanceAfter: WalletBalancesV1;
  reference?: Record<string, string>;
  /** The caller's idempotency scope (`hub88`, `payment`, `staff:<id>`): who moved the money. */
  idempotencyScope?: string;
  /** Set on a rollback: the bet or win it reverses. */
  reversesTransactionId?: string;
  /** Set on hold, capture and release transactions. */
  holdId?: string;
}

export interface WalletHoldV1 {
  walletId: string;
  userId: string;
  holdId: string;
  amount: string;
  currency: string;
  balanceAfter: WalletBalancesV1;
  /** The ledger transaction that placed, captured or released the hold. */
  transactionId?: string;
  /** The payment provider that pays out when the hold is captured. */
  provider?: string;
}

export type WalletTransactionCompletedEvent = DomainEventEnvelope<
  typeof WALLET_TRANSACTION_COMPLETED,
  WalletTransactionCompletedV1
>;
export type WalletHoldEvent = DomainEventEnvelope<
  typeof WALLET_HOLD_PLACED | typeof WALLET_HOLD_CAPTURED | typeof WALLET_HOLD_RELEASED,
  WalletHoldV1
>;
