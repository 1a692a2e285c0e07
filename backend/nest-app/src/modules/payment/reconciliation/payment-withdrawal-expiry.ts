import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import { PaymentIntentWriter } from '../intents/payment-intent.writer';
import { PaymentSettlement } from '../intents/payment-settlement';
import { PaymentJobLock } from './payment-job-lock';

const EXPIRY_BATCH = 200;
const JOB = 'payment-withdrawal-expiry';

/** The failure code of a withdrawal whose creation never finished. */
export const CREATION_EXPIRED = 'PAYMENT_CREATION_EXPIRED';

/**
 * Stalled withdrawals. A withdrawal's creation places the wallet hold, then stores its id and moves the intent on
 * (to finance's approval or its payout); a process that stops in between, or a store that fails, leaves the intent
 * in its first status, `requires_payment_method`, with the player's cash perhaps held. Past
 * PAYMENT_WITHDRAWAL_CREATION_TTL_SECONDS (far longer than any creation takes) it is failed here (cause
 * `creation_expired`) and settled: the settlement releases the hold its idempotency key placed, if any, and stores
 * it. A creation still under way that finds its intent failed releases its hold itself
 * (`PaymentSettlement.releaseLateHold`). Runs every PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS and in every
 * reconciliation sweep; a settlement that fails is retried by the sweep (an unsettled failed intent).
 */
@Injectable()
export class PaymentWithdrawalExpiry {
  private readonly logger = new Logger(PaymentWithdrawalExpiry.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly writer: PaymentIntentWriter,
    private readonly settlement: PaymentSettlement,
    private readonly jobLock: PaymentJobLock,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Fails the stalled withdrawals and releases their holds; answers the ids of those it failed. */
  public async expireStalled(): Promise<string[]> {
    const ttlSeconds = this.config.PAYMENT_WITHDRAWAL_CREATION_TTL_SECONDS;
    const cutoff = new Date(this.clock.now().getTime() - ttlSeconds * 1000);
    const failed: string[] = [];
    for (const found of await this.intents.findStalledWithdrawals(cutoff, EXPIRY_BATCH)) {
      try {
        if (!(await this.fail(found.id, cutoff, ttlSeconds))) continue;
      } catch (error) {
        this.logger.warn(
          { err: error, intentId: found.id },
          'could not expire a stalled withdrawal; the next run retries',
        );
        continue;
      }
      failed.push(found.id);
      await this.settlement.settleQuietly(found.id);
    }
    if (failed.length > 0) this.logger.log({ failed: failed.length }, 'stalled withdrawals failed');
    return failed;
  }

  /** Runs unless another process is running it (PaymentJobLock: no transaction held); null when skipped. */
  public async runExclusive(): Promise<string[] | null> {
    return this.jobLock.runExclusive(JOB, () => this.expireStalled());
  }

  /** The `failed` transition, under the intent's row lock, unless the creation finished or anything touched it. */
  private async fail(intentId: string, cutoff: Date, ttlSeconds: number): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.intents.lockById(manager, intentId);
      if (!current || current.kind !== 'withdrawal' || current.status !== 'requires_payment_method') return false;
      if (current.updatedAt >= cutoff) return false;
      await this.writer.transition(
        manager,
        current,
        'failed',
        { cause: 'creation_expired', details: { ttlSeconds } },
        { failureCode: CREATION_EXPIRED, failureMessage: 'The withdrawal was not completed; held funds are released' },
      );
      return true;
    });
  }
}
