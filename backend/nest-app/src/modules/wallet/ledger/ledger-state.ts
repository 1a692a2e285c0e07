import type { DomainEventEnvelope, TraceCarrier, WalletTransactionType } from '@casino/contracts';
import type { AccountKind, LedgerCommand, LedgerResult, WalletAccounts } from './ledger.types';

/** A transaction already in the ledger (or made earlier in the same batch), as idempotency needs it. */
export interface KnownTransaction {
  id: string;
  walletId: string;
  type: WalletTransactionType;
  currency: string;
  amount: bigint;
  requestHash: string;
  result: LedgerResult;
  entries: { accountId: string; amount: bigint }[];
}

export interface HoldState {
  id: string;
  walletId: string;
  currency: string;
  amount: bigint;
  provider: string;
  status: 'pending' | 'captured' | 'released';
}

export interface LedgerEntryWrite {
  accountId: string;
  amount: bigint;
}

/** What one accepted command writes, all in the batch's database transaction. */
export interface TransactionWrite {
  command: LedgerCommand;
  id: string;
  walletId: string;
  type: WalletTransactionType;
  currency: string;
  amount: bigint;
  requestHash: string;
  reversesTransactionId: string | null;
  holdId: string | null;
  eventId: string;
  /** The batch's time: the ledger row's created_at and its events' occurredAt are this one instant. */
  createdAt: Date;
  result: LedgerResult;
  metadata: Record<string, string>;
  entries: LedgerEntryWrite[];
  holdInsert?: HoldState;
  holdResolution?: { id: string; status: 'captured' | 'released' };
  events: DomainEventEnvelope[];
  /** The trace of the request that submitted the command, written with its events (set by the engine). */
  trace?: TraceCarrier | null;
}

/**
 * Everything a batch reads under its locks before it applies commands in memory. The maps are
 * mutated as commands are accepted, so that later commands of the batch see earlier ones.
 */
export interface LedgerState {
  now: Date;
  /** By wallet id. */
  wallets: Map<string, WalletAccounts>;
  /** Wallet ids by `userId\u0000currency`. */
  walletsByOwner: Map<string, string>;
  /** Locked balances by account id. */
  balances: Map<string, bigint>;
  accountKinds: Map<string, AccountKind>;
  /** System account ids by code (`system:game:hub88:EUR`). */
  systemAccounts: Map<string, string>;
  /** By `scope\u0000key`. */
  byIdempotencyKey: Map<string, KnownTransaction>;
  /** By transaction id (rollback targets). */
  byTransactionId: Map<string, KnownTransaction>;
  /** Ids of transactions that have been rolled back. */
  reversed: Set<string>;
  holds: Map<string, HoldState>;
}

export function idempotencyMapKey(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}

export function ownerMapKey(userId: string, currency: string): string {
  return `${userId}\u0000${currency}`;
}

export function emptyLedgerState(now: Date): LedgerState {
  return {
    now,
    wallets: new Map(),
    walletsByOwner: new Map(),
    balances: new Map(),
    accountKinds: new Map(),
    systemAccounts: new Map(),
    byIdempotencyKey: new Map(),
    byTransactionId: new Map(),
    reversed: new Set(),
    holds: new Map(),
  };
}
