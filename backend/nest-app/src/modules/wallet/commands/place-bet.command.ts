import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { LedgerEngine } from '../ledger/ledger-engine';
import type { BetCommandInput, LedgerResult } from '../ledger/ledger.types';
import { validatePlaceBet } from '../wallet.validation';

/** Debits a stake: cash first then bonus, or bonus only (free bets). */
export class PlaceBetCommand extends Command<LedgerResult> {
  public constructor(public readonly input: BetCommandInput) {
    super();
  }
}

@CommandHandler(PlaceBetCommand)
export class PlaceBetHandler implements ICommandHandler<PlaceBetCommand, LedgerResult> {
  public constructor(private readonly engine: LedgerEngine) {}

  public execute({ input }: PlaceBetCommand): Promise<LedgerResult> {
    validatePlaceBet(input);
    return this.engine.submit({ type: 'bet', ...input, transactionId: randomUUID(), eventId: randomUUID() });
  }
}
