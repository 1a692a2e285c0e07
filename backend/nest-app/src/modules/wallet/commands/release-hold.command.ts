import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { LedgerEngine } from '../ledger/ledger-engine';
import type { ResolveHoldCommandInput, LedgerResult } from '../ledger/ledger.types';
import { validateReleaseHold } from '../wallet.validation';

/** Cancels a withdrawal: the held amount goes back to cash (exactly once). */
export class ReleaseHoldCommand extends Command<LedgerResult> {
  public constructor(public readonly input: ResolveHoldCommandInput) {
    super();
  }
}

@CommandHandler(ReleaseHoldCommand)
export class ReleaseHoldHandler implements ICommandHandler<ReleaseHoldCommand, LedgerResult> {
  public constructor(private readonly engine: LedgerEngine) {}

  public execute({ input }: ReleaseHoldCommand): Promise<LedgerResult> {
    validateReleaseHold(input);
    return this.engine.submit({ type: 'hold_release', ...input, transactionId: randomUUID(), eventId: randomUUID() });
  }
}
