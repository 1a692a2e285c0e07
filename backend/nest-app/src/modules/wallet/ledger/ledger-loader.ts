import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { WalletDirectory } from '../wallet.directory';
import {
  emptyLedgerState,
  idempotencyMapKey,
  ownerMapKey,
  type KnownTransaction,
  type LedgerState,
} from './ledger-state';
import type { AccountKind, Idempotency, LedgerCommand } from './ledger.types';
import type { LedgerBalanceCache } from './ledger-balance-cache';
import { LedgerRepository } from './ledger.repository';
import { pspClearingAccount, systemAccountFor, type SystemAccountSpec } from './system-accounts';

/** Commands whose outcome depends on nothing but the players' balances and whether their keys are new. */
const FIGURE_COMMANDS = new Set<LedgerCommand['type']>(['deposit', 'bet', 'win']);

/** A batch's state from known figures, and what its statement must find under lock for them to stand. */
export interface FigureState {
  state: LedgerState;
  guard: BalanceGuard;
}

/** Every account the batch locks (in id order, as the locked read does), and the players' balances it assumed. */
export interface BalanceGuard {
  accountIds: string[];
  players: Map<string, bigint>;
}

/**
 * Reads what a batch needs, in the batch's transaction: first what never changes (wallets, the
 * original of a rollback, a hold's wallet), then locks every account involved in id order, then
 * what may change and is only stable under those locks (idempotency keys, hold states, reversals).
 */
@Injectable()
export class LedgerLoader {
  private readonly systemAccountIds = new Map<string, string>();

  public constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly repository: LedgerRepository,
    private readonly directory: WalletDirectory,
  ) {}

  public async load(runner: QueryRunner, commands: LedgerCommand[]): Promise<LedgerState> {
    const state = emptyLedgerState(this.clock.now());
    const targets = await this.loadRollbackTargets(runner, commands, state);
    const holds = await this.repository.findHolds(runner, holdIdsOf(commands));
    for (const hold of holds) state.holds.set(hold.id, hold);
    await this.loadWallets(runner.manager, commands, state, [
      ...targets.map((target) => target.walletId),
      ...holds.map((hold) => hold.walletId),
    ]);
    await this.loadSystemAccounts(commands, state);
    await this.lockAndFindKeys(runner, commands, state, targets);
    await this.loadAfterLock(runner, state, targets);
    return state;
  }

  /**
   * What a batch of deposits, bets and wins needs to run as one statement (ADR 0011, fifth pass): the players'
   * balances from `figures` (the statement checks them under its locks), no known idempotency key (the statement
   * aborts if one is taken). Null when the batch needs the locked read: another kind of command, or a player
   * account whose figure this process does not know.
   */
  public async loadFromFigures(commands: LedgerCommand[], figures: LedgerBalanceCache): Promise<FigureState | null> {
    if (!commands.every((command) => FIGURE_COMMANDS.has(command.type))) return null;
    const state = emptyLedgerState(this.clock.now());
    await this.loadWallets(undefined, commands, state, []);
    await this.loadSystemAccounts(commands, state);
    const players = [...state.wallets.values()].flatMap((wallet) => [wallet.cash, wallet.bonus, wallet.held]);
    const known = figures.figuresOf(players);
    if (!known) return null;
    for (const [id, balance] of known) state.balances.set(id, balance);
    // A system account may go below zero and no answer shows its balance: nothing reads its figure.
    for (const id of state.systemAccounts.values()) state.balances.set(id, 0n);
    return { state, guard: { accountIds: [...players, ...state.systemAccounts.values()], players: known } };
  }

  private async loadRollbackTargets(
    runner: QueryRunner,
    commands: LedgerCommand[],
    state: LedgerState,
  ): Promise<KnownTransaction[]> {
    const ids: string[] = [];
    const keys: Idempotency[] = [];
    for (const command of commands) {
      if (command.type !== 'rollback') continue;
      if ('transactionId' in command.target) ids.push(command.target.transactionId);
      else keys.push(command.target.idempotency);
    }
    const targets = await this.repository.findTransactions(runner, ids, keys);
    for (const target of targets) remember(state, target);
    return targets;
  }

  private async loadWallets(
    manager: EntityManager | undefined,
    commands: LedgerCommand[],
    state: LedgerState,
    walletIds: string[],
  ): Promise<void> {
    const owners: { userId: string; currency: string }[] = [];
    for (const command of commands) {
      if (!('wallet' in command)) continue;
      if ('walletId' in command.wallet) walletIds.push(command.wallet.walletId);
      else owners.push({ userId: command.wallet.userId, currency: command.currency });
    }
    for (const wallet of await this.directory.resolve(walletIds, owners, manager)) {
      state.wallets.set(wallet.walletId, wallet);
      state.walletsByOwner.set(ownerMapKey(wallet.userId, wallet.currency), wallet.walletId);
      const kinds: [string, AccountKind][] = [
        [wallet.cash, 'player_cash'],
        [wallet.bonus, 'player_bonus'],
        [wallet.held, 'player_held'],
      ];
      for (const [id, kind] of kinds) state.accountKinds.set(id, kind);
    }
  }

  private async loadSystemAccounts(commands: LedgerCommand[], state: LedgerState): Promise<void> {
    const specs = new Map<string, SystemAccountSpec>();
    const add = (spec: SystemAccountSpec | null): void => {
      if (spec) specs.set(spec.code, spec);
    };
    for (const command of commands) {
      add(systemAccountFor(command));
      if (command.type === 'hold') add(pspClearingAccount(command.provider, command.currency));
    }
    for (const hold of state.holds.values()) add(pspClearingAccount(hold.provider, hold.currency));
    const missing = [...specs.values()].filter((spec) => !this.systemAccountIds.has(spec.code));
    if (missing.length > 0) {
      // Committed on their own, outside the batch, so that a cached id always exists.
      const created = await this.repository.ensureSystemAccounts(this.dataSource, missing);
      for (const [code, id] of created) this.systemAccountIds.set(code, id);
    }
    for (const spec of specs.values()) {
      const id = this.systemAccountIds.get(spec.code);
      if (!id) throw new Error(`system account ${spec.code} could not be created`);
      state.systemAccounts.set(spec.code, id);
      state.accountKinds.set(id, spec.kind);
    }
  }

  /** Locks every account involved and finds the idempotency keys already used, in one round trip. */
  private async lockAndFindKeys(
    runner: QueryRunner,
    commands: LedgerCommand[],
    state: LedgerState,
    targets: KnownTransaction[],
  ): Promise<void> {
    const ids = new Set<string>(state.systemAccounts.values());
    for (const wallet of state.wallets.values()) [wallet.cash, wallet.bonus, wallet.held].forEach((id) => ids.add(id));
    for (const target of targets) target.entries.forEach((entry) => ids.add(entry.accountId));
    const { accounts, known } = await this.repository.lockAccountsAndFindKeys(
      runner,
      [...ids],
      commands.map((command) => command.idempotency),
    );
    for (const account of accounts) {
      state.balances.set(account.id, account.balance);
      state.accountKinds.set(account.id, account.kind);
    }
    for (const transaction of known) remember(state, transaction);
  }

  /** What may change and is only stable under the locks: hold states and reversals. */
  private async loadAfterLock(runner: QueryRunner, state: LedgerState, targets: KnownTransaction[]): Promise<void> {
    for (const hold of await this.repository.findHolds(runner, [...state.holds.keys()])) state.holds.set(hold.id, hold);
    const reversed = await this.repository.findReversed(
      runner,
      targets.map((target) => target.id),
    );
    for (const id of reversed) state.reversed.add(id);
  }
}

function remember(state: LedgerState, transaction: KnownTransaction & { idempotency: Idempotency }): void {
  state.byTransactionId.set(transaction.id, transaction);
  state.byIdempotencyKey.set(
    idempotencyMapKey(transaction.idempotency.scope, transaction.idempotency.key),
    transaction,
  );
}

function holdIdsOf(commands: LedgerCommand[]): string[] {
  return commands.flatMap((command) =>
    command.type === 'hold_capture' || command.type === 'hold_release' ? [command.holdId] : [],
  );
}
