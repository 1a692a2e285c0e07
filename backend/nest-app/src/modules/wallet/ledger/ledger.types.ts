import type { WalletTransactionType } from '@casino/contracts';

/** Who asked, under which key: the same (scope, key) always means the same request. */
export interface Idempotency {
  /** The caller: `hub88`, `payment`, `staff:<userId>`. */
  scope: string;
  key: string;
}

/** A wallet by id, or a player's wallet in the command's currency. */
export type WalletRef = { walletId: string } | { userId: string };

export type AccountKind =
  | 'player_cash'
  | 'player_bonus'
  | 'player_held'
  | 'game_settlement'
  | 'psp_clearing'
  | 'house_revenue'
  | 'adjustment'
  | 'bonus_cost';

interface CommandBase {
  idempotency: Idempotency;
  /** Free-form references kept with the transaction and sent in its event (round id, game id...). */
  metadata?: Record<string, string>;
  correlationId?: string;
}

interface WalletCommandBase extends CommandBase {
  wallet: WalletRef;
  currency: string;
}

export interface DepositCommandInput extends WalletCommandBase {
  amount: bigint;
  /** The payment provider whose clearing account pays in. */
  provider: string;
}

export interface HoldCommandInput extends WalletCommandBase {
  amount: bigint;
  /** The payment provider that will pay out if the hold is captured. */
  provider: string;
}

export interface ResolveHoldCommandInput extends CommandBase {
  holdId: string;
}

export type BetFunding = 'cash_first' | 'bonus_only';

export interface BetCommandInput extends WalletCommandBase {
  amount: bigint;
  /** The game provider whose settlement account takes the stake. */
  provider: string;
  funding?: BetFunding;
}

export interface WinCommandInput extends WalletCommandBase {
  /** Zero closes a round without paying. */
  amount: bigint;
  provider: string;
  /** Credit the bonus balance instead of cash (wins of bonus-only rounds, if the bonus terms say so). */
  toBonus?: boolean;
}

/** The transaction to reverse: by its id, or by the idempotency key it was made with. */
export type RollbackTarget = { transactionId: string } | { idempotency: Idempotency };

export interface RollbackCommandInput extends CommandBase {
  target: RollbackTarget;
}

export interface AdjustCommandInput extends WalletCommandBase {
  /** Signed: positive credits the player, negative debits. */
  amount: bigint;
  reason: string;
  balance?: 'cash' | 'bonus';
  actor: { userId: string; roles: string[]; requestId?: string; ip?: string | null };
}

/** Bonus money granted to a player: the operator's bonus cost account pays it into the player's bonus balance. */
export interface BonusGrantCommandInput extends WalletCommandBase {
  amount: bigint;
}

/**
 * Bonus money leaving the bonus balance, the amount read under the account's lock: a conversion moves
 * min(bonus balance, `maxConversion`) to cash and gives the rest back to the bonus cost account; a forfeit or an
 * expiry gives all of it back. The wallet's bonus balance is the one live bonus's (docs/bonuses.md).
 */
export interface BonusReleaseCommandInput extends WalletCommandBase {
  /** Conversions only; absent: no cap. */
  maxConversion?: bigint;
}

export type BonusMoneyCommandType = 'bonus_grant' | 'bonus_convert' | 'bonus_forfeit' | 'bonus_expire';

/** One command as the ledger engine applies it; ids are fixed when the command is submitted. */
export type LedgerCommand = (
  | ({ type: 'deposit' } & DepositCommandInput)
  | ({ type: 'hold'; newHoldId: string } & HoldCommandInput)
  | ({ type: 'hold_capture' } & ResolveHoldCommandInput)
  | ({ type: 'hold_release' } & ResolveHoldCommandInput)
  | ({ type: 'bet' } & BetCommandInput)
  | ({ type: 'win' } & WinCommandInput)
  | ({ type: 'rollback' } & RollbackCommandInput)
  | ({ type: 'adjustment' } & AdjustCommandInput)
  | ({ type: 'bonus_grant' } & BonusGrantCommandInput)
  | ({ type: 'bonus_convert' | 'bonus_forfeit' | 'bonus_expire' } & BonusReleaseCommandInput)
) & { transactionId: string; eventId: string };

export interface WalletBalances {
  cash: bigint;
  bonus: bigint;
  held: bigint;
  /** What the player can stake now: cash plus bonus (held funds are already out of cash). */
  available: bigint;
  currency: string;
}

export interface LedgerResult {
  transactionId: string;
  transactionType: WalletTransactionType;
  walletId: string;
  holdId?: string;
  balances: WalletBalances;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

/** A wallet and its three player accounts; immutable once created, so it can be cached. */
export interface WalletAccounts {
  walletId: string;
  userId: string;
  currency: string;
  cash: string;
  bonus: string;
  held: string;
}
