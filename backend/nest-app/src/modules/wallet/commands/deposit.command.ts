import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { LedgerEngine, type Attachment } from '../ledger/ledger-engine';
import type { DepositCommandInput, LedgerResult } from '../ledger/ledger.types';
import { validateDeposit } from '../wallet.validation';

/** Credits a deposit from a payment provider's clearing account to the player's cash. */
export class DepositCommand extends Command<LedgerResult> {
  public constructor(
    public readonly input: DepositCommandInput,
    /** Set-based work of the caller's done in the same transaction (ADR 0010); never part of the request. */
    public readonly attachment?: Attachment,
  ) {
    super();
  }
}

@CommandHandler(DepositCommand)
export class DepositHandler implements ICommandHandler<DepositCommand, LedgerResult> {
  public constructor(private readonly engine: LedgerEngine) {}

  public execute({ input, attachment }: DepositCommand): Promise<LedgerResult> {
    validateDeposit(input);
    return this.engine.submit(
      { type: 'deposit', ...input, transactionId: randomUUID(), eventId: randomUUID() },
      undefined,
      attachment,
    );
  }
}
