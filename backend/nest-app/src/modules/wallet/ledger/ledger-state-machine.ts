import { DomainError } from '@casino/contracts';
import { eventsOf } from './ledger-events';
import { balanceOf, insufficientFunds, postingOf, type Posting } from './ledger-postings';
import { idempotencyMapKey, type LedgerState, type TransactionWrite } from './ledger-state';
import type { LedgerCommand, LedgerResult, WalletAccounts, WalletBalances } from './ledger.types';
import { requestHashOf } from './request-hash';

export type CommandOutcome =
  { ok: true; result: LedgerResult; write: TransactionWrite | null } | { ok: false; error: DomainError };

/**
 * Applies commands one after another to balances read under lock, exactly as if each ran alone in
 * that order. Pure: the only effects are on `state`, which later commands of the batch then see.
 * A refused command leaves `state` as it was.
 */
export function applyCommands(state: LedgerState, commands: LedgerCommand[]): CommandOutcome[] {
  return commands.map((command) => applyCommand(state, command));
}

export function applyCommand(state: LedgerState, command: LedgerCommand): CommandOutcome {
  const requestHash = requestHashOf(command);
  const { scope, key } = command.idempotency;
  const known = state.byIdempotencyKey.get(idempotencyMapKey(scope, key));
  if (known) {
    if (known.requestHash !== requestHash) {
      const error = new DomainError('IDEMPOTENCY_KEY_REUSED', 'The idempotency key was used for another request', {
        scope,
        key,
        transactionId: known.id,
      });
      return { ok: false, error };
    }
    return { ok: true, result: { ...known.result, replayed: true }, write: null };
  }
  try {
    const posting = postingOf(state, command);
    applyPosting(state, posting);
    const write = recordTransaction(state, command, posting, requestHash);
    return { ok: true, result: write.result, write };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

/** Refuses the whole posting if any player account would go below zero; otherwise applies it. */
function applyPosting(state: LedgerState, posting: Posting): void {
  const after = new Map<string, bigint>();
  for (const entry of posting.entries) {
    after.set(entry.accountId, (after.get(entry.accountId) ?? balanceOf(state, entry.accountId)) + entry.amount);
  }
  for (const [accountId, balance] of after) {
    if (balance < 0n && state.accountKinds.get(accountId)?.startsWith('player_')) {
      const wallet = state.wallets.get(posting.walletId);
      if (!wallet) throw new Error(`wallet ${posting.walletId} was not loaded for the batch`);
      throw insufficientFunds(state, wallet, posting.amount);
    }
  }
  for (const [accountId, balance] of after) state.balances.set(accountId, balance);
  if (posting.holdInsert) state.holds.set(posting.holdInsert.id, { ...posting.holdInsert });
  const resolved = posting.holdResolution ? state.holds.get(posting.holdResolution.id) : undefined;
  if (resolved && posting.holdResolution) resolved.status = posting.holdResolution.status;
  if (posting.reversesTransactionId) state.reversed.add(posting.reversesTransactionId);
}

function recordTransaction(
  state: LedgerState,
  command: LedgerCommand,
  posting: Posting,
  requestHash: string,
): TransactionWrite {
  const wallet = state.wallets.get(posting.walletId);
  if (!wallet) throw new Error(`wallet ${posting.walletId} was not loaded for the batch`);
  const result: LedgerResult = {
    transactionId: command.transactionId,
    transactionType: command.type,
    walletId: wallet.walletId,
    ...(posting.holdId ? { holdId: posting.holdId } : {}),
    balances: walletBalances(state, wallet),
    replayed: false,
  };
  const base: Omit<TransactionWrite, 'events'> = {
    command,
    id: command.transactionId,
    walletId: wallet.walletId,
    type: command.type,
    currency: posting.currency,
    amount: posting.amount,
    requestHash,
    reversesTransactionId: posting.reversesTransactionId ?? null,
    holdId: posting.holdId ?? null,
    eventId: command.eventId,
    createdAt: state.now,
    result,
    metadata: metadataOf(command, posting),
    entries: posting.entries,
    ...(posting.holdInsert ? { holdInsert: posting.holdInsert } : {}),
    ...(posting.holdResolution ? { holdResolution: posting.holdResolution } : {}),
  };
  const write: TransactionWrite = { ...base, events: eventsOf(state, base) };
  const known = {
    id: write.id,
    walletId: write.walletId,
    type: write.type,
    currency: write.currency,
    amount: write.amount,
    requestHash,
    result,
    entries: write.entries,
  };
  state.byIdempotencyKey.set(idempotencyMapKey(command.idempotency.scope, command.idempotency.key), known);
  state.byTransactionId.set(write.id, known);
  return write;
}

/**
 * The caller's metadata, plus the payment provider of a deposit or withdrawal hold step (the one whose clearing
 * account moved: it wins over a caller's `provider`), so the event's reference and the reports name it. Added after
 * the request hash is taken, which covers the caller's command only: a retry of a request made before this field
 * existed hashes the same and replays.
 */
function metadataOf(command: LedgerCommand, posting: Posting): Record<string, string> {
  const metadata = command.metadata ?? {};
  return posting.paymentProvider ? { ...metadata, provider: posting.paymentProvider } : metadata;
}

export function walletBalances(state: LedgerState, wallet: WalletAccounts): WalletBalances {
  const cash = balanceOf(state, wallet.cash);
  const bonus = balanceOf(state, wallet.bonus);
  const held = balanceOf(state, wallet.held);
  return { cash, bonus, held, available: cash + bonus, currency: wallet.currency };
}
