import type { BonusEventType, DomainEventEnvelope, PlayerBonusEventV1 } from '@casino/contracts';
import { domainEvent } from '../../../infra/outbox/domain-event.factory';
import type { PlayerBonusStatus } from './player-bonus.state-machine';
import type { PlayerBonus } from './player-bonus.types';

/** A `bonus.*` event of the bonus as it is after the step (`status`), with what the step moved. */
export function bonusEvent(
  type: BonusEventType,
  bonus: PlayerBonus,
  status: PlayerBonusStatus,
  at: Date,
  money: { ledgerTransactionId?: string; convertedToCash?: bigint; removedFromBonus?: bigint } = {},
): DomainEventEnvelope {
  const payload: PlayerBonusEventV1 = {
    playerBonusId: bonus.id,
    userId: bonus.userId,
    templateId: bonus.templateId,
    currency: bonus.currency,
    status,
    amount: bonus.amount.toString(),
    wageringRequired: bonus.wageringRequired.toString(),
    wageringDone: bonus.wageringDone.toString(),
    ...(money.ledgerTransactionId ? { ledgerTransactionId: money.ledgerTransactionId } : {}),
    ...(money.convertedToCash !== undefined ? { convertedToCash: money.convertedToCash.toString() } : {}),
    ...(money.removedFromBonus !== undefined ? { removedFromBonus: money.removedFromBonus.toString() } : {}),
    at: at.toISOString(),
  };
  return domainEvent(type, 1, bonus.id, payload);
}
