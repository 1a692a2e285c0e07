/** The payment module's public face: what other modules may import. */
export { PaymentModule } from './payment.module';
export { PaymentRefunds } from './refunds/payment-refunds';
export type { PaymentRefund, RefundStatus } from './refunds/payment-refund.repository';
