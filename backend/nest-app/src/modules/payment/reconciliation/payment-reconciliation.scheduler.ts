import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../../../config/app-config';
import { PaymentReconciliation } from './payment-reconciliation.service';

const INTERVAL_NAME = 'payment-reconciliation';

/** Runs reconciliation every PAYMENT_RECONCILIATION_INTERVAL_SECONDS (0: never); one process at a time. */
@Injectable()
export class PaymentReconciliationScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(PaymentReconciliationScheduler.name);
  private running = false;

  public constructor(
    private readonly reconciliation: PaymentReconciliation,
    private readonly scheduler: SchedulerRegistry,
    private readonly config: AppConfig,
  ) {}

  public onApplicationBootstrap(): void {
    const seconds = this.config.PAYMENT_RECONCILIATION_INTERVAL_SECONDS;
    if (seconds === 0 || this.scheduler.doesExist('interval', INTERVAL_NAME)) return;
    const timer = setInterval(() => void this.tick(), seconds * 1000);
    timer.unref();
    this.scheduler.addInterval(INTERVAL_NAME, timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.reconciliation.runExclusive();
    } catch (error) {
      this.logger.error({ err: error }, 'payment reconciliation failed');
    } finally {
      this.running = false;
    }
  }
}
