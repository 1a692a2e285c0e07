import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { LedgerEngine } from '../ledger/ledger-engine';
import type { HoldCommandInput, LedgerResult } from '../ledger/ledger.types';
import { validateHoldFunds } from '../wallet.validation';

/** First phase of a withdrawal: moves cash to held, where it no longer counts as available. */
export class HoldFundsCommand extends Command<LedgerResult> {
  public constructor(public readonly input: HoldCommandInput) {
    super();
  }
}

@CommandHandler(HoldFundsCommand)
export class HoldFundsHandler implements ICommandHandler<HoldFundsCommand, LedgerResult> {
  public constructor(private readonly engine: LedgerEngine) {}

  public execute({ input }: HoldFundsCommand): Promise<LedgerResult> {
    validateHoldFunds(input);
    return this.engine.submit({
      type: 'hold',
      ...input,
      newHoldId: randomUUID(),
      transactionId: randomUUID(),
      eventId: randomUUID(),
    });
  }
}
