import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AdjustCommand } from './commands/adjust.command';
import { BonusMoneyCommand } from './commands/bonus-money.command';
import { CaptureHoldCommand } from './commands/capture-hold.command';
import { DepositCommand } from './commands/deposit.command';
import { HoldFundsCommand } from './commands/hold-funds.command';
import { PlaceBetCommand } from './commands/place-bet.command';
import { ReleaseHoldCommand } from './commands/release-hold.command';
import { RollbackCommand } from './commands/rollback.command';
import { SettleWinCommand } from './commands/settle-win.command';
import type {
  AdjustCommandInput,
  BetCommandInput,
  BonusGrantCommandInput,
  BonusReleaseCommandInput,
  DepositCommandInput,
  HoldCommandInput,
  Idempotency,
  LedgerResult,
  ResolveHoldCommandInput,
  RollbackCommandInput,
  WalletBalances,
  WinCommandInput,
} from './ledger/ledger.types';
import type { Attachment, WithinTransaction } from './ledger/ledger-engine';
import { isUuid } from './wallet.directory';
import {
  WalletRepository,
  type TransactionListFilter,
  type TransactionRow,
  type WalletBalanceRow,
} from './wallet.repository';

export interface WalletView {
  walletId: string;
  userId: string;
  balances: WalletBalances;
}

/**
 * What other modules (game, payment, admin) call. Every money movement carries an idempotency
 * key scoped to its caller and answers with the transaction id and the balances after it; a
 * retry with the same key and payload answers the first result again without moving money.
 */
@Injectable()
export class WalletService {
  public constructor(
    private readonly commandBus: CommandBus,
    private readonly wallets: WalletRepository,
  ) {}

  /** Creates the player's wallet in a currency unless it exists; safe to call any number of times. */
  public async openWallet(userId: string, currency: string): Promise<WalletView> {
    if (!isUuid(userId)) throw new DomainError('VALIDATION_FAILED', 'userId must be a UUID', { userId });
    if (!(await this.wallets.currencyExists(currency))) {
      throw new DomainError('UNKNOWN_CURRENCY', `Unknown currency ${currency}`, { currency });
    }
    await this.wallets.createIfAbsent(userId, currency);
    const wallet = (await this.wallets.balancesOfUser(userId)).find((row) => row.currency === currency);
    if (!wallet) throw new Error(`wallet of ${userId} in ${currency} was not created`);
    return toView(wallet);
  }

  /**
   * `attachment`: the caller's set-based writes, done in the deposit's own transaction when it moves money (never on
   * a replay or a refusal).
   */
  public deposit(input: DepositCommandInput, attachment?: Attachment): Promise<LedgerResult> {
    return this.commandBus.execute(new DepositCommand(input, attachment));
  }

  /** The result's `holdId` names the hold for `captureHold` or `releaseHold`. */
  public holdFunds(input: HoldCommandInput): Promise<LedgerResult> {
    return this.commandBus.execute(new HoldFundsCommand(input));
  }

  /**
   * The hold that the `holdFunds` call with this idempotency key placed, or null when it placed none (never called,
   * refused, or not committed): a caller that lost the answer of `holdFunds` finds its hold here.
   */
  public holdPlacedBy(idempotency: Idempotency): Promise<string | null> {
    return this.wallets.findHoldIdByIdempotencyKey(idempotency.scope, idempotency.key);
  }

  public captureHold(input: ResolveHoldCommandInput): Promise<LedgerResult> {
    return this.commandBus.execute(new CaptureHoldCommand(input));
  }

  public releaseHold(input: ResolveHoldCommandInput): Promise<LedgerResult> {
    return this.commandBus.execute(new ReleaseHoldCommand(input));
  }

  /** `attachment`: the caller's set-based writes, done in the bet's own transaction when it moves money. */
  public placeBet(input: BetCommandInput, attachment?: Attachment): Promise<LedgerResult> {
    return this.commandBus.execute(new PlaceBetCommand(input, attachment));
  }

  /** `attachment`: the caller's set-based writes, done in the win's own transaction when it moves money. */
  public settleWin(input: WinCommandInput, attachment?: Attachment): Promise<LedgerResult> {
    return this.commandBus.execute(new SettleWinCommand(input, attachment));
  }

  /** `attachment`: the caller's set-based writes, done in the rollback's own transaction when it moves money. */
  public rollback(input: RollbackCommandInput, attachment?: Attachment): Promise<LedgerResult> {
    return this.commandBus.execute(new RollbackCommand(input, attachment));
  }

  public adjust(input: AdjustCommandInput): Promise<LedgerResult> {
    return this.commandBus.execute(new AdjustCommand(input));
  }

  /**
   * Bonus money (docs/bonuses.md): `withinTransaction` is the caller's state change, written in the money's own
   * transaction when it moves money (a throw there refuses the command, nothing is written).
   */
  public grantBonus(input: BonusGrantCommandInput, withinTransaction?: WithinTransaction): Promise<LedgerResult> {
    return this.commandBus.execute(new BonusMoneyCommand({ type: 'bonus_grant', input }, withinTransaction));
  }

  /** Moves min(bonus balance, `maxConversion`) to cash and gives the rest back to the bonus cost account. */
  public convertBonus(input: BonusReleaseCommandInput, withinTransaction?: WithinTransaction): Promise<LedgerResult> {
    return this.commandBus.execute(new BonusMoneyCommand({ type: 'bonus_convert', input }, withinTransaction));
  }

  /** Gives the whole bonus balance back to the bonus cost account: a forfeit (player, staff) or an expiry. */
  public removeBonus(
    reason: 'bonus_forfeit' | 'bonus_expire',
    input: Omit<BonusReleaseCommandInput, 'maxConversion'>,
    withinTransaction?: WithinTransaction,
  ): Promise<LedgerResult> {
    return this.commandBus.execute(new BonusMoneyCommand({ type: reason, input }, withinTransaction));
  }

  public async walletsOfUser(userId: string): Promise<WalletView[]> {
    return (await this.wallets.balancesOfUser(userId)).map(toView);
  }

  public async wallet(walletId: string): Promise<WalletView> {
    const row = isUuid(walletId) ? await this.wallets.balancesOfWallet(walletId) : null;
    if (!row) throw new DomainError('WALLET_NOT_FOUND', 'No such wallet', { walletId });
    return toView(row);
  }

  public listTransactions(filter: TransactionListFilter): Promise<TransactionRow[]> {
    return this.wallets.listTransactions(filter);
  }
}

function toView(row: WalletBalanceRow): WalletView {
  return {
    walletId: row.walletId,
    userId: row.userId,
    balances: {
      cash: row.cash,
      bonus: row.bonus,
      held: row.held,
      available: row.cash + row.bonus,
      currency: row.currency,
    },
  };
}
