import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { LedgerEngine, type Attachment } from '../ledger/ledger-engine';
import type { WinCommandInput, LedgerResult } from '../ledger/ledger.types';
import { validateSettleWin } from '../wallet.validation';

/** Credits a win; a zero amount closes the round. */
export class SettleWinCommand extends Command<LedgerResult> {
  public constructor(
    public readonly input: WinCommandInput,
    /** Set-based work of the caller's done in the same transaction (ADR 0011); never part of the request. */
    public readonly attachment?: Attachment,
  ) {
    super();
  }
}

@CommandHandler(SettleWinCommand)
export class SettleWinHandler implements ICommandHandler<SettleWinCommand, LedgerResult> {
  public constructor(private readonly engine: LedgerEngine) {}

  public execute({ input, attachment }: SettleWinCommand): Promise<LedgerResult> {
    validateSettleWin(input);
    return this.engine.submit(
      { type: 'win', ...input, transactionId: randomUUID(), eventId: randomUUID() },
      undefined,
      attachment,
    );
  }
}
