import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { LedgerEngine, type Attachment } from '../ledger/ledger-engine';
import type { RollbackCommandInput, LedgerResult } from '../ledger/ledger.types';
import { validateRollback } from '../wallet.validation';

/** Reverses a bet or a win, exactly once. */
export class RollbackCommand extends Command<LedgerResult> {
  public constructor(
    public readonly input: RollbackCommandInput,
    /** Set-based work of the caller's done in the same transaction (ADR 0011); never part of the request. */
    public readonly attachment?: Attachment,
  ) {
    super();
  }
}

@CommandHandler(RollbackCommand)
export class RollbackHandler implements ICommandHandler<RollbackCommand, LedgerResult> {
  public constructor(private readonly engine: LedgerEngine) {}

  public execute({ input, attachment }: RollbackCommand): Promise<LedgerResult> {
    validateRollback(input);
    return this.engine.submit(
      { type: 'rollback', ...input, transactionId: randomUUID(), eventId: randomUUID() },
      undefined,
      attachment,
    );
  }
}
