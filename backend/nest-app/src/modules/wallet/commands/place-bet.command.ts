import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { LedgerEngine, type Attachment } from '../ledger/ledger-engine';
import type { BetCommandInput, LedgerResult } from '../ledger/ledger.types';
import { validatePlaceBet } from '../wallet.validation';

/** Debits a stake: cash first then bonus, or bonus only (free bets). */
export class PlaceBetCommand extends Command<LedgerResult> {
  public constructor(
    public readonly input: BetCommandInput,
    /** Set-based work of the caller's done in the same transaction (ADR 0011); never part of the request. */
    public readonly attachment?: Attachment,
  ) {
    super();
  }
}

@CommandHandler(PlaceBetCommand)
export class PlaceBetHandler implements ICommandHandler<PlaceBetCommand, LedgerResult> {
  public constructor(private readonly engine: LedgerEngine) {}

  public execute({ input, attachment }: PlaceBetCommand): Promise<LedgerResult> {
    validatePlaceBet(input);
    return this.engine.submit(
      { type: 'bet', ...input, transactionId: randomUUID(), eventId: randomUUID() },
      undefined,
      attachment,
    );
  }
}
