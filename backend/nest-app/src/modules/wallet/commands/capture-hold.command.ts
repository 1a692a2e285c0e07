import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { LedgerEngine } from '../ledger/ledger-engine';
import type { ResolveHoldCommandInput, LedgerResult } from '../ledger/ledger.types';
import { validateCaptureHold } from '../wallet.validation';

/** Second phase of a withdrawal: the held amount leaves to the payment provider (exactly once). */
export class CaptureHoldCommand extends Command<LedgerResult> {
  public constructor(public readonly input: ResolveHoldCommandInput) {
    super();
  }
}

@CommandHandler(CaptureHoldCommand)
export class CaptureHoldHandler implements ICommandHandler<CaptureHoldCommand, LedgerResult> {
  public constructor(private readonly engine: LedgerEngine) {}

  public execute({ input }: CaptureHoldCommand): Promise<LedgerResult> {
    validateCaptureHold(input);
    return this.engine.submit({ type: 'hold_capture', ...input, transactionId: randomUUID(), eventId: randomUUID() });
  }
}
