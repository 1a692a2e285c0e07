import { DomainError } from '@casino/contracts';
import { splitStake } from './bet-funding';
import type { HoldState, KnownTransaction, LedgerEntryWrite, LedgerState } from './ledger-state';
import { idempotencyMapKey, ownerMapKey } from './ledger-state';
import type { LedgerCommand, WalletAccounts, WalletRef } from './ledger.types';
import { pspClearingAccount, systemAccountFor, type SystemAccountSpec } from './system-accounts';

/** What a command moves, before it is checked against the balances and applied. */
export interface Posting {
  walletId: string;
  currency: string;
  amount: bigint;
  entries: LedgerEntryWrite[];
  reversesTransactionId?: string;
  holdId?: string;
  holdInsert?: HoldState;
  holdResolution?: { id: string; status: 'captured' | 'released' };
  /** The payment provider whose clearing account a deposit, hold, capture or release moves (or will move). */
  paymentProvider?: string;
}

type Of<T extends LedgerCommand['type']> = Extract<LedgerCommand, { type: T }>;

/** Builds the posting of a command; throws DomainError for a request the ledger must refuse. */
export function postingOf(state: LedgerState, command: LedgerCommand): Posting {
  switch (command.type) {
    case 'deposit':
      return deposit(state, command);
    case 'hold':
      return hold(state, command);
    case 'hold_capture':
    case 'hold_release':
      return resolveHold(state, command);
    case 'bet':
      return bet(state, command);
    case 'win':
      return win(state, command);
    case 'rollback':
      return rollback(state, command);
    case 'adjustment':
      return adjust(state, command);
    case 'bonus_grant':
      return bonusGrant(state, command);
    case 'bonus_convert':
    case 'bonus_forfeit':
    case 'bonus_expire':
      return bonusRelease(state, command);
  }
}

function deposit(state: LedgerState, command: Of<'deposit'>): Posting {
  requireAmount(command.amount, 'positive');
  const wallet = walletOf(state, command.wallet, command.currency);
  const system = systemAccountId(state, systemAccountFor(command));
  const entries = posting(wallet, command.amount, [
    [wallet.cash, command.amount],
    [system, -command.amount],
  ]);
  return { ...entries, paymentProvider: command.provider };
}

function hold(state: LedgerState, command: Of<'hold'>): Posting {
  requireAmount(command.amount, 'positive');
  const wallet = walletOf(state, command.wallet, command.currency);
  const entries = posting(wallet, command.amount, [
    [wallet.cash, -command.amount],
    [wallet.held, command.amount],
  ]);
  const holdInsert: HoldState = {
    id: command.newHoldId,
    walletId: wallet.walletId,
    currency: wallet.currency,
    amount: command.amount,
    provider: command.provider,
    status: 'pending',
  };
  return { ...entries, holdId: command.newHoldId, holdInsert, paymentProvider: command.provider };
}

function resolveHold(state: LedgerState, command: Of<'hold_capture' | 'hold_release'>): Posting {
  const found = state.holds.get(command.holdId);
  if (!found) throw new DomainError('HOLD_NOT_FOUND', 'No such hold', { holdId: command.holdId });
  if (found.status !== 'pending') {
    throw new DomainError('HOLD_ALREADY_RESOLVED', `The hold was already ${found.status}`, {
      holdId: found.id,
      status: found.status,
    });
  }
  const wallet = walletById(state, found.walletId);
  const capture = command.type === 'hold_capture';
  const counterpart = capture
    ? systemAccountId(state, pspClearingAccount(found.provider, found.currency))
    : wallet.cash;
  const result = posting(wallet, found.amount, [
    [wallet.held, -found.amount],
    [counterpart, found.amount],
  ]);
  return {
    ...result,
    holdId: found.id,
    holdResolution: { id: found.id, status: capture ? 'captured' : 'released' },
    paymentProvider: found.provider,
  };
}

function bet(state: LedgerState, command: Of<'bet'>): Posting {
  requireAmount(command.amount, 'zero_or_positive');
  const wallet = walletOf(state, command.wallet, command.currency);
  const split = splitStake(
    command.amount,
    balanceOf(state, wallet.cash),
    balanceOf(state, wallet.bonus),
    command.funding ?? 'cash_first',
  );
  if (!split) throw insufficientFunds(state, wallet, command.amount);
  return posting(wallet, command.amount, [
    [wallet.cash, -split.fromCash],
    [wallet.bonus, -split.fromBonus],
    [systemAccountId(state, systemAccountFor(command)), command.amount],
  ]);
}

function win(state: LedgerState, command: Of<'win'>): Posting {
  requireAmount(command.amount, 'zero_or_positive');
  const wallet = walletOf(state, command.wallet, command.currency);
  return posting(wallet, command.amount, [
    [command.toBonus ? wallet.bonus : wallet.cash, command.amount],
    [systemAccountId(state, systemAccountFor(command)), -command.amount],
  ]);
}

function rollback(state: LedgerState, command: Of<'rollback'>): Posting {
  const target = rollbackTarget(state, command);
  if (target.type !== 'bet' && target.type !== 'win') {
    throw new DomainError('TRANSACTION_NOT_REVERSIBLE', 'Only bets and wins can be rolled back', {
      transactionId: target.id,
      transactionType: target.type,
    });
  }
  if (state.reversed.has(target.id)) {
    throw new DomainError('ALREADY_ROLLED_BACK', 'The transaction was already rolled back', {
      transactionId: target.id,
    });
  }
  const wallet = walletById(state, target.walletId);
  const reversed = target.entries.map((entry): [string, bigint] => [entry.accountId, -entry.amount]);
  return { ...posting(wallet, target.amount, reversed), reversesTransactionId: target.id };
}

function adjust(state: LedgerState, command: Of<'adjustment'>): Posting {
  if (command.amount === 0n) throw new DomainError('INVALID_AMOUNT', 'An adjustment must not be zero');
  const wallet = walletOf(state, command.wallet, command.currency);
  const account = command.balance === 'bonus' ? wallet.bonus : wallet.cash;
  return posting(wallet, command.amount, [
    [account, command.amount],
    [systemAccountId(state, systemAccountFor(command)), -command.amount],
  ]);
}

function bonusGrant(state: LedgerState, command: Of<'bonus_grant'>): Posting {
  requireAmount(command.amount, 'positive');
  const wallet = walletOf(state, command.wallet, command.currency);
  return posting(wallet, command.amount, [
    [wallet.bonus, command.amount],
    [systemAccountId(state, systemAccountFor(command)), -command.amount],
  ]);
}

/**
 * The whole bonus balance leaves it, read under lock: to cash up to the cap for a conversion (the transaction's
 * amount), the rest back to the bonus cost account. A zero balance gives a transaction without entries.
 */
function bonusRelease(state: LedgerState, command: Of<'bonus_convert' | 'bonus_forfeit' | 'bonus_expire'>): Posting {
  const wallet = walletOf(state, command.wallet, command.currency);
  const bonus = balanceOf(state, wallet.bonus);
  const cap = command.maxConversion;
  const converted = command.type !== 'bonus_convert' ? 0n : cap !== undefined && cap < bonus ? cap : bonus;
  return posting(wallet, command.type === 'bonus_convert' ? converted : bonus, [
    [wallet.bonus, -bonus],
    [wallet.cash, converted],
    [systemAccountId(state, systemAccountFor(command)), bonus - converted],
  ]);
}

function rollbackTarget(state: LedgerState, command: Of<'rollback'>): KnownTransaction {
  const target =
    'transactionId' in command.target
      ? state.byTransactionId.get(command.target.transactionId)
      : state.byIdempotencyKey.get(idempotencyMapKey(command.target.idempotency.scope, command.target.idempotency.key));
  if (!target) throw new DomainError('TRANSACTION_NOT_FOUND', 'No such transaction to roll back');
  return target;
}

function posting(wallet: WalletAccounts, amount: bigint, moves: [string, bigint][]): Posting {
  return {
    walletId: wallet.walletId,
    currency: wallet.currency,
    amount,
    entries: moves.filter(([, delta]) => delta !== 0n).map(([accountId, delta]) => ({ accountId, amount: delta })),
  };
}

export function walletOf(state: LedgerState, ref: WalletRef, currency: string): WalletAccounts {
  const walletId = 'walletId' in ref ? ref.walletId : state.walletsByOwner.get(ownerMapKey(ref.userId, currency));
  const wallet = walletId === undefined ? undefined : state.wallets.get(walletId);
  if (!wallet) throw new DomainError('WALLET_NOT_FOUND', 'No such wallet', { ...ref, currency });
  if (wallet.currency !== currency) {
    throw new DomainError('CURRENCY_MISMATCH', `The wallet holds ${wallet.currency}, not ${currency}`, {
      walletId: wallet.walletId,
      walletCurrency: wallet.currency,
      currency,
    });
  }
  return wallet;
}

function walletById(state: LedgerState, walletId: string): WalletAccounts {
  const wallet = state.wallets.get(walletId);
  if (!wallet) throw new Error(`wallet ${walletId} was not loaded for the batch`);
  return wallet;
}

export function balanceOf(state: LedgerState, accountId: string): bigint {
  const balance = state.balances.get(accountId);
  if (balance === undefined) throw new Error(`account ${accountId} was not locked for the batch`);
  return balance;
}

function systemAccountId(state: LedgerState, spec: SystemAccountSpec | null): string {
  const id = spec ? state.systemAccounts.get(spec.code) : undefined;
  if (!id) throw new Error(`system account ${spec?.code ?? '(none)'} was not prepared for the batch`);
  return id;
}

function requireAmount(amount: bigint, rule: 'positive' | 'zero_or_positive'): void {
  if (amount < 0n || (rule === 'positive' && amount === 0n)) {
    throw new DomainError('INVALID_AMOUNT', `The amount must be ${rule === 'positive' ? 'positive' : 'zero or more'}`, {
      amount: amount.toString(),
    });
  }
}

export function insufficientFunds(state: LedgerState, wallet: WalletAccounts, amount: bigint): DomainError {
  return new DomainError('INSUFFICIENT_FUNDS', 'The balance does not cover the amount', {
    walletId: wallet.walletId,
    amount: amount.toString(),
    cash: balanceOf(state, wallet.cash).toString(),
    bonus: balanceOf(state, wallet.bonus).toString(),
  });
}
