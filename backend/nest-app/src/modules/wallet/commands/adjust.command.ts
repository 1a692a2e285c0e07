import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { AuditLog } from '../../../common/audit/audit-log';
import { LedgerEngine } from '../ledger/ledger-engine';
import type { AdjustCommandInput, LedgerResult } from '../ledger/ledger.types';
import { validateAdjust } from '../wallet.validation';

/** A staff correction with a reason, audited in the same database transaction as the money moved. */
export class AdjustCommand extends Command<LedgerResult> {
  public constructor(public readonly input: AdjustCommandInput) {
    super();
  }
}

@CommandHandler(AdjustCommand)
export class AdjustHandler implements ICommandHandler<AdjustCommand, LedgerResult> {
  public constructor(
    private readonly engine: LedgerEngine,
    private readonly auditLog: AuditLog,
  ) {}

  public execute({ input }: AdjustCommand): Promise<LedgerResult> {
    validateAdjust(input);
    const command = { type: 'adjustment' as const, ...input, transactionId: randomUUID(), eventId: randomUUID() };
    return this.engine.submit(command, (manager, result) =>
      this.auditLog.record(
        {
          actorId: input.actor.userId,
          actorRoles: input.actor.roles,
          action: 'wallet.adjust',
          targetType: 'wallet',
          targetId: result.walletId,
          ip: input.actor.ip,
          requestId: input.actor.requestId,
          details: {
            transactionId: result.transactionId,
            amount: input.amount.toString(),
            currency: input.currency,
            balance: input.balance ?? 'cash',
            reason: input.reason,
            idempotencyKey: input.idempotency.key,
          },
        },
        manager,
      ),
    );
  }
}
