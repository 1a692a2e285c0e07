import { DomainError } from '@casino/contracts';
import { GAME_WALLET_FAILURES, type GameWalletFailure } from './game-wallet.types';

/** Domain errors of the wallet and the user module, as seamless-wallet outcomes. */
const FAILURE_OF_CODE: Readonly<Record<string, GameWalletFailure>> = {
  INSUFFICIENT_FUNDS: 'NOT_ENOUGH_MONEY',
  IDEMPOTENCY_KEY_REUSED: 'DUPLICATE_TRANSACTION',
  TRANSACTION_NOT_FOUND: 'TRANSACTION_NOT_FOUND',
  ALREADY_ROLLED_BACK: 'TRANSACTION_ROLLED_BACK',
  TRANSACTION_NOT_REVERSIBLE: 'TRANSACTION_NOT_FOUND',
  CURRENCY_MISMATCH: 'WRONG_CURRENCY',
  UNKNOWN_CURRENCY: 'WRONG_CURRENCY',
  WALLET_NOT_FOUND: 'INVALID_TOKEN',
  INVALID_AMOUNT: 'AMOUNT_NOT_EXACT',
  VALIDATION_FAILED: 'INVALID_REQUEST',
  USER_NOT_FOUND: 'INVALID_TOKEN',
  ACCOUNT_NOT_ACTIVE: 'USER_DISABLED',
  GAME_PLAYER_DISABLED: 'USER_DISABLED',
  RG_SELF_EXCLUDED: 'USER_DISABLED',
  RG_TIMED_OUT: 'USER_DISABLED',
  // Hub88 §5: "locked or disabled and cannot place new bets" until the player accepts the terms or is verified.
  TERMS_NOT_ACCEPTED: 'USER_DISABLED',
  AGE_NOT_VERIFIED: 'USER_DISABLED',
  RG_LOSS_LIMIT_REACHED: 'LIMIT_REACHED',
  RG_WAGER_LIMIT_REACHED: 'LIMIT_REACHED',
  RG_SESSION_LIMIT_REACHED: 'LIMIT_REACHED',
  RG_LIMIT_CURRENCY_MISMATCH: 'LIMIT_REACHED',
  // Hub88 §5: a limit refusal, which the supplier does not roll back (docs/bonuses.md "Max bet").
  BONUS_MAX_BET_EXCEEDED: 'LIMIT_REACHED',
};

/** The outcome of an expected refusal; anything else is not a business outcome and is rethrown. */
export function failureOf(error: unknown): GameWalletFailure | null {
  if (!(error instanceof DomainError)) return null;
  return FAILURE_OF_CODE[error.code] ?? null;
}

/** A failure read back from a stored row; anything not a known outcome answers as UNKNOWN, never as success. */
export function storedFailure(value: string | null): GameWalletFailure {
  return (GAME_WALLET_FAILURES as readonly string[]).includes(value ?? '') ? (value as GameWalletFailure) : 'UNKNOWN';
}
