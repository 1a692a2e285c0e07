import type { WalletTransactionType } from '@casino/contracts';
import type { LedgerResult } from './ledger.types';

/** LedgerResult as stored in `ledger_transactions.result` (amounts as strings). */
export interface StoredResult {
  transactionId: string;
  transactionType: WalletTransactionType;
  walletId: string;
  holdId?: string;
  balances: { cash: string; bonus: string; held: string; available: string; currency: string };
}

export function resultToStored(result: LedgerResult): StoredResult {
  const { balances } = result;
  return {
    transactionId: result.transactionId,
    transactionType: result.transactionType,
    walletId: result.walletId,
    ...(result.holdId ? { holdId: result.holdId } : {}),
    balances: {
      cash: balances.cash.toString(),
      bonus: balances.bonus.toString(),
      held: balances.held.toString(),
      available: balances.available.toString(),
      currency: balances.currency,
    },
  };
}

export function resultFromStored(stored: StoredResult): LedgerResult {
  const { balances } = stored;
  return {
    transactionId: stored.transactionId,
    transactionType: stored.transactionType,
    walletId: stored.walletId,
    ...(stored.holdId ? { holdId: stored.holdId } : {}),
    balances: {
      cash: BigInt(balances.cash),
      bonus: BigInt(balances.bonus),
      held: BigInt(balances.held),
      available: BigInt(balances.available),
      currency: balances.currency,
    },
    replayed: false,
  };
}
