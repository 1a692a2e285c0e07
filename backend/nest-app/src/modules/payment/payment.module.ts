import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { BonusModule } from '../bonus';
import { UserModule } from '../user/user.module';
import { PaymentRefundRepository } from './refunds/payment-refund.repository';
import { PaymentRefunds } from './refunds/payment-refunds';
import { WalletModule } from '../wallet/wallet.module';
import { PaymentGates } from './gates/payment-gates';
import { PaymentIdempotency } from './idempotency/payment-idempotency';
import { PaymentCancellation } from './intents/payment-cancellation';
import { PaymentIntentRepository } from './intents/payment-intent.repository';
import { PaymentIntentWriter } from './intents/payment-intent.writer';
import { PaymentIntentsService } from './intents/payment-intents.service';
import { PaymentPayouts } from './intents/payment-payouts';
import { PaymentProviderChanges } from './intents/payment-provider-changes';
import { PaymentProviderSync } from './intents/payment-provider-sync';
import { PaymentResolution } from './intents/payment-resolution';
import { PaymentSettlement } from './intents/payment-settlement';
import { PaymentAdminController } from './payment-admin.controller';
import { PaymentMetrics } from './payment-metrics';
import { PaymentIntentGauges } from './intents/payment-intent-metrics';
import { PaymentSecurityEvents } from './payment-security-events';
import { PaymentWebhookController } from './payment-webhook.controller';
import { PaymentController } from './payment.controller';
import { PaymentProviders } from './psp/payment-providers';
import { PaymentDepositExpiry } from './reconciliation/payment-deposit-expiry';
import { PaymentJobLock } from './reconciliation/payment-job-lock';
import { PaymentOpenIntentFollow } from './reconciliation/payment-open-intent-follow';
import { ProviderOutageWatch } from './reconciliation/provider-outage-watch';
import { PaymentReconciliation } from './reconciliation/payment-reconciliation.service';
import { PaymentReconciliationScheduler } from './reconciliation/payment-reconciliation.scheduler';
import { PaymentRecordMissingGuard } from './reconciliation/payment-record-missing-guard';
import { PaymentWithdrawalExpiry } from './reconciliation/payment-withdrawal-expiry';
import { PaymentWebhookEventRepository } from './webhooks/payment-webhook-event.repository';
import { PaymentWebhookService } from './webhooks/payment-webhook.service';

/** Deposits and withdrawals through PSPs: intents, webhooks, gates, wallet settlement, reconciliation. */
@Module({
  imports: [UserModule, WalletModule, BonusModule, ScheduleModule.forRoot()],
  controllers: [PaymentController, PaymentWebhookController, PaymentAdminController],
  providers: [
    PaymentRefundRepository,
    PaymentRefunds,
    PaymentIntentRepository,
    PaymentIntentWriter,
    PaymentIntentsService,
    PaymentPayouts,
    PaymentSettlement,
    PaymentCancellation,
    PaymentProviderSync,
    PaymentProviderChanges,
    PaymentResolution,
    PaymentGates,
    PaymentIdempotency,
    PaymentProviders,
    PaymentWebhookEventRepository,
    PaymentWebhookService,
    PaymentSecurityEvents,
    PaymentMetrics,
    PaymentIntentGauges,
    PaymentReconciliation,
    PaymentDepositExpiry,
    PaymentWithdrawalExpiry,
    PaymentJobLock,
    PaymentOpenIntentFollow,
    ProviderOutageWatch,
    PaymentRecordMissingGuard,
    PaymentReconciliationScheduler,
  ],
  exports: [PaymentIntentsService, PaymentRefunds],
})
export class PaymentModule {}
