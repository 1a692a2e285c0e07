import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { LedgerEngine, type WithinTransaction } from '../ledger/ledger-engine';
import type {
  BonusGrantCommandInput,
  BonusMoneyCommandType,
  BonusReleaseCommandInput,
  LedgerCommand,
  LedgerResult,
} from '../ledger/ledger.types';
import { validateBonusMoney } from '../wallet.validation';

export type BonusMoneyInput =
  | { type: 'bonus_grant'; input: BonusGrantCommandInput }
  | { type: Exclude<BonusMoneyCommandType, 'bonus_grant'>; input: BonusReleaseCommandInput };

/**
 * Bonus money in or out of a player's bonus balance, against the bonus cost account; `withinTransaction` is the
 * bonus module's state change, written in the money's own transaction (never on a replay or a refusal).
 */
export class BonusMoneyCommand extends Command<LedgerResult> {
  public constructor(
    public readonly money: BonusMoneyInput,
    public readonly withinTransaction?: WithinTransaction,
  ) {
    super();
  }
}

@CommandHandler(BonusMoneyCommand)
export class BonusMoneyHandler implements ICommandHandler<BonusMoneyCommand, LedgerResult> {
  public constructor(private readonly engine: LedgerEngine) {}

  public execute({ money, withinTransaction }: BonusMoneyCommand): Promise<LedgerResult> {
    validateBonusMoney(money.type, money.input);
    const ids = { transactionId: randomUUID(), eventId: randomUUID() };
    const command: LedgerCommand =
      money.type === 'bonus_grant'
        ? { type: money.type, ...money.input, ...ids }
        : { type: money.type, ...money.input, ...ids };
    return this.engine.submit(command, withinTransaction);
  }
}
