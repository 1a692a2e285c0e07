/** The payment module's public face: what other modules may import. */
export { PaymentModule } from './payment.module';
export { PaymentRefunds } from './refunds/payment-refunds';
export type { PaymentRefund, RefundStatus } from './refunds/payment-refund.repository';
export type { RefundRequest } from './refunds/payment-refunds';
export { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from './idempotency/idempotency-key';
