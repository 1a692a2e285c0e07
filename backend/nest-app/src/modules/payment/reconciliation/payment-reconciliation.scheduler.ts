import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../../../config/app-config';
import { PaymentDepositExpiry } from './payment-deposit-expiry';
import { PaymentReconciliation } from './payment-reconciliation.service';
import { PaymentWithdrawalExpiry } from './payment-withdrawal-expiry';

const RECONCILIATION = 'payment-reconciliation';
const DEPOSIT_EXPIRY = 'payment-deposit-expiry';
const WITHDRAWAL_EXPIRY = 'payment-withdrawal-expiry';

/**
 * Runs reconciliation every PAYMENT_RECONCILIATION_INTERVAL_SECONDS, the expiry of abandoned deposits every
 * PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS and the expiry of stalled withdrawals every
 * PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS (0: never); each job in one process at a time, never overlapping itself.
 */
@Injectable()
export class PaymentReconciliationScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(PaymentReconciliationScheduler.name);
  private readonly running = new Set<string>();

  public constructor(
    private readonly reconciliation: PaymentReconciliation,
    private readonly depositExpiry: PaymentDepositExpiry,
    private readonly withdrawalExpiry: PaymentWithdrawalExpiry,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
  ) {}

  public onApplicationBootstrap(): void {
    this.every(RECONCILIATION, this.config.PAYMENT_RECONCILIATION_INTERVAL_SECONDS, () =>
      this.reconciliation.runExclusive(),
    );
    this.every(DEPOSIT_EXPIRY, this.config.PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS, () =>
      this.depositExpiry.runExclusive(),
    );
    this.every(WITHDRAWAL_EXPIRY, this.config.PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS, () =>
      this.withdrawalExpiry.runExclusive(),
    );
  }

  private every(name: string, seconds: number, job: () => Promise<unknown>): void {
    if (seconds === 0 || this.scheduler.doesExist('interval', name)) return;
    const timer = setInterval(() => void this.tick(name, job), seconds * 1000);
    timer.unref();
    this.scheduler.addInterval(name, timer);
  }

  private async tick(name: string, job: () => Promise<unknown>): Promise<void> {
    if (this.running.has(name)) return;
    this.running.add(name);
    try {
      await job();
    } catch (error) {
      this.logger.error({ err: error, job: name }, `${name} failed`);
    } finally {
      this.running.delete(name);
    }
  }
}
