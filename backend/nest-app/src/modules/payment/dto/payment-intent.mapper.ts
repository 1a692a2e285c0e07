import type { PaymentIntent } from '../intents/payment-intent.types';
import type { PaymentIntentDto } from './payment-intent.dto';

export function toPaymentIntentDto(intent: PaymentIntent): PaymentIntentDto {
  return {
    id: intent.id,
    kind: intent.kind,
    provider: intent.provider,
    amount: intent.amount.toString(),
    currency: intent.currency,
    status: intent.status,
    nextAction: intent.nextAction,
    failureCode: intent.failureCode,
    failureMessage: intent.failureMessage,
    approvalRequired: intent.approvalRequired,
    createdAt: intent.createdAt.toISOString(),
    updatedAt: intent.updatedAt.toISOString(),
  };
}
