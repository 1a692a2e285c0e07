import { DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { PaymentCancellation } from '../intents/payment-cancellation';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import { canTransition, isTerminal } from '../intents/payment-intent.state-machine';
import type { PaymentIntent } from '../intents/payment-intent.types';
import { PaymentIntentWriter } from '../intents/payment-intent.writer';
import { PaymentSettlement } from '../intents/payment-settlement';
import { PaymentProviders } from '../psp/payment-providers';

export interface DepositExpiryReport {
  /** Intents canceled at their provider and here. */
  canceled: string[];
  /** Intents the provider refused to cancel, moved to the provider's status instead (a payment made meanwhile). */
  followed: string[];
}

type Outcome = 'canceled' | 'followed' | 'skipped';

const EXPIRY_BATCH = 200;

/**
 * Abandoned deposits. An open deposit counts toward the player's deposit limit (it can still take the money,
 * ../shared/reference/responsible-gaming.md, RTS 12), so one left unpaid must not block the player for good: a
 * deposit left in `requires_payment_method` with nothing happening for PAYMENT_DEPOSIT_OPEN_TTL_SECONDS is
 * canceled at its provider, then here (cause `expired`). When the provider refuses the cancel because the payer
 * paid meanwhile, the intent follows the provider's status instead and a success is credited: a paid deposit is
 * never lost. Runs on its own schedule and in every reconciliation sweep.
 */
@Injectable()
export class PaymentDepositExpiry {
  private readonly logger = new Logger(PaymentDepositExpiry.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly writer: PaymentIntentWriter,
    private readonly providers: PaymentProviders,
    private readonly cancellation: PaymentCancellation,
    private readonly settlement: PaymentSettlement,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Expires the deposits due; one that fails (provider unreachable) is logged and retried by the next run. */
  public async expireAbandoned(): Promise<DepositExpiryReport> {
    const ttlSeconds = this.config.PAYMENT_DEPOSIT_OPEN_TTL_SECONDS;
    const cutoff = new Date(this.clock.now().getTime() - ttlSeconds * 1000);
    const report: DepositExpiryReport = { canceled: [], followed: [] };
    for (const found of await this.intents.findAbandonedDeposits(cutoff, EXPIRY_BATCH)) {
      try {
        const outcome = await this.expire(found.id, cutoff, ttlSeconds);
        if (outcome !== 'skipped') report[outcome].push(found.id);
      } catch (error) {
        this.logger.warn(
          { err: error, intentId: found.id },
          'could not expire an abandoned deposit; the next run retries',
        );
      }
    }
    if (report.canceled.length + report.followed.length > 0) {
      this.logger.log(
        { canceled: report.canceled.length, followed: report.followed.length },
        'abandoned deposits expired',
      );
    }
    return report;
  }

  /** Runs unless another process is running it (PostgreSQL advisory lock); null when skipped. */
  public async runExclusive(): Promise<DepositExpiryReport | null> {
    return this.dataSource.transaction(async (manager) => {
      const [lock] = (await manager.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('payment-deposit-expiry')) AS acquired`,
      )) as { acquired: boolean }[];
      return lock?.acquired ? this.expireAbandoned() : null;
    });
  }

  private async expire(intentId: string, cutoff: Date, ttlSeconds: number): Promise<Outcome> {
    // Read again: the batch goes one provider call at a time, and the payer may have moved on since.
    const intent = await this.intents.findById(intentId);
    if (!intent || intent.status !== 'requires_payment_method' || intent.updatedAt >= cutoff) return 'skipped';
    try {
      await this.cancellation.cancelAtProvider(intent);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'PAYMENT_PROVIDER_REFUSED') throw error;
      return this.followProvider(intent);
    }
    await this.cancellation.markCanceled(intent.id, { cause: 'expired', details: { ttlSeconds } });
    return 'canceled';
  }

  /** The provider would not cancel: its status is the truth (the webhook saying so may be late or lost). */
  private async followProvider(intent: PaymentIntent): Promise<Outcome> {
    const payment = await this.providers.get(intent.provider).retrievePayment(intent.providerReference ?? '');
    if (payment.amount !== intent.amount || payment.currency !== intent.currency) {
      this.logger.error(
        { intentId: intent.id, providerStatus: payment.status },
        "the provider's payment differs from the intent; left to reconciliation",
      );
      return 'skipped';
    }
    const followed = await this.dataSource.transaction(async (manager) => {
      const current = (await this.intents.lockById(manager, intent.id)) as PaymentIntent;
      if (current.status === payment.status || !canTransition(current.status, payment.status)) return null;
      const waiting = payment.status === 'requires_payment_method' || payment.status === 'requires_action';
      return this.writer.transition(
        manager,
        current,
        payment.status,
        { cause: 'provider_status', details: { during: 'expiry' } },
        { nextAction: waiting ? payment.nextAction : null },
      );
    });
    if (!followed) return 'skipped';
    if (isTerminal(followed.status)) await this.settlement.settleQuietly(followed.id);
    return 'followed';
  }
}
