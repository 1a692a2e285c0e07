import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { WalletService } from '../../wallet/wallet.service';
import { PaymentIdempotency } from '../idempotency/payment-idempotency';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import type { PaymentIntent } from '../intents/payment-intent.types';
import { PaymentPayouts } from '../intents/payment-payouts';
import { PaymentProviderSync } from '../intents/payment-provider-sync';
import { PaymentSettlement } from '../intents/payment-settlement';
import { PaymentMetrics } from '../payment-metrics';
import { PaymentSecurityEvents } from '../payment-security-events';
import { PaymentProviders } from '../psp/payment-providers';
import { PaymentDepositExpiry } from './payment-deposit-expiry';
import { PaymentJobLock } from './payment-job-lock';
import { PaymentOpenIntentFollow, type FollowedIntent, type FollowReport } from './payment-open-intent-follow';
import { PaymentWithdrawalExpiry } from './payment-withdrawal-expiry';
import type { ProviderOutageBreaker } from './provider-outage-breaker';
import { ProviderOutageWatch } from './provider-outage-watch';
import {
  compareWithProvider,
  compareWithWallet,
  type Mismatch,
  type PaymentWalletMovement,
} from './reconciliation-rules';

export interface ReconciliationReport {
  checkedIntents: number;
  /** Open intents read again at their provider this run, and what following each did. */
  followed: FollowedIntent[];
  mismatches: Mismatch[];
}

const IDEMPOTENCY_RETENTION_MS = 7 * 24 * 3600 * 1000;
const JOB = 'payment-reconciliation';

/**
 * Compares our intents with the wallet's movements and with each provider's own record (its list
 * API), and raises a `reconciliation.mismatch` security/ops event (plus a metric) for every
 * difference. Before comparing, it sweeps: abandoned deposits are expired, stalled withdrawals failed (their holds
 * released), deposits whose creation answer was lost are looked up at their provider by our intent id, open intents
 * whose webhook may be lost are read again and followed (PaymentOpenIntentFollow), owed wallet movements and unsent
 * payouts are retried. One ProviderOutageBreaker serves the whole run: once a provider left
 * PAYMENT_PROVIDER_UNREACHABLE_LIMIT calls in a row unanswered, every later step skips it (an expiry not done stays
 * open, a payout not sent stays to be sent, the list comparison reports `psp_unreachable`), and the next run starts
 * afresh. No database transaction is open during a provider call: each outcome is applied afterwards in
 * a short transaction under the intent's row lock that re-checks the intent, so concurrent runs and webhooks apply it
 * once.
 */
@Injectable()
export class PaymentReconciliation {
  private readonly logger = new Logger(PaymentReconciliation.name);

  public constructor(
    private readonly intents: PaymentIntentRepository,
    private readonly wallets: WalletService,
    private readonly providers: PaymentProviders,
    private readonly settlement: PaymentSettlement,
    private readonly payouts: PaymentPayouts,
    private readonly depositExpiry: PaymentDepositExpiry,
    private readonly withdrawalExpiry: PaymentWithdrawalExpiry,
    private readonly sync: PaymentProviderSync,
    private readonly openIntents: PaymentOpenIntentFollow,
    private readonly outageWatch: ProviderOutageWatch,
    private readonly jobLock: PaymentJobLock,
    private readonly idempotency: PaymentIdempotency,
    private readonly securityEvents: PaymentSecurityEvents,
    private readonly metrics: PaymentMetrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** `graceSeconds`: intents changed more recently are left out (their webhooks may be in flight). */
  public async run(options: { graceSeconds?: number } = {}): Promise<ReconciliationReport> {
    const now = this.clock.now();
    const graceCutoff = new Date(now.getTime() - (options.graceSeconds ?? 300) * 1000);
    const outages = this.outageWatch.startRun();
    const follow = await this.sweep(graceCutoff, outages);
    await this.idempotency.prune(new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS));
    const since = new Date(now.getTime() - this.config.PAYMENT_RECONCILIATION_WINDOW_HOURS * 3600 * 1000);
    // An intent the sweep just moved was touched after the cutoff: the next run compares it.
    const intents = (await this.intents.findCreatedSince(since)).filter((intent) => intent.updatedAt <= graceCutoff);
    const mismatches = [
      ...follow.mismatches,
      ...compareWithWallet(intents, await this.walletMovements(intents, since)),
      ...(await this.compareWithProviders(intents, since, outages)),
    ];
    this.outageWatch.report(outages);
    for (const mismatch of mismatches) {
      this.metrics.reconciliationMismatches.inc({ kind: mismatch.kind });
      await this.securityEvents.record({
        kind: 'reconciliation.mismatch',
        provider: mismatch.provider,
        intentId: mismatch.intentId,
        details: { mismatch: mismatch.kind, ...mismatch.details },
      });
    }
    const summary = { checkedIntents: intents.length, followed: follow.followed.length, mismatches: mismatches.length };
    this.logger.log(summary, 'payment reconciliation done');
    return { checkedIntents: intents.length, followed: follow.followed, mismatches };
  }

  /** Runs unless another process is running it (PaymentJobLock: no transaction held); null when skipped. */
  public async runExclusive(options: { graceSeconds?: number } = {}): Promise<ReconciliationReport | null> {
    return this.jobLock.runExclusive(JOB, () => this.run(options));
  }

  private async sweep(olderThan: Date, outages: ProviderOutageBreaker): Promise<FollowReport> {
    const batch = this.config.PAYMENT_RECONCILIATION_BATCH_SIZE;
    await this.depositExpiry.expireAbandoned(outages);
    await this.withdrawalExpiry.expireStalled();
    await this.recoverLostCreations(olderThan, batch, outages);
    const follow = await this.openIntents.followAwaiting(olderThan, batch, outages);
    for (const intent of await this.intents.findUnsettled(olderThan, batch))
      await this.settlement.settleQuietly(intent.id);
    await this.sendPayouts(olderThan, batch, outages);
    return follow;
  }

  /** Payouts whose sending failed or never ran; one skipped for an outage stays `processing`, to be sent next run. */
  private async sendPayouts(olderThan: Date, batch: number, outages: ProviderOutageBreaker): Promise<void> {
    for (const intent of await this.intents.findPayoutsToSend(olderThan, batch)) {
      if (!this.outageWatch.admits(outages, intent.provider, 'payout_sending')) continue;
      const outcome = await this.payouts.send(intent.id);
      if (outcome !== 'not_due') outages.recordAnswer(intent.provider, outcome !== 'unreachable');
    }
  }

  /**
   * Deposits whose creation answer was lost: the provider's payment naming the intent is linked (reference, page)
   * and followed. One the provider has none for stays open, counted toward the deposit limit, until the expiry
   * gives up on it after PAYMENT_DEPOSIT_OPEN_TTL_SECONDS; an unreachable provider leaves it to the next run. Each
   * one asked is marked checked, so the next run asks the others first; one skipped for an outage is not.
   */
  private async recoverLostCreations(olderThan: Date, batch: number, outages: ProviderOutageBreaker): Promise<void> {
    for (const intent of await this.intents.findOpenDepositsWithoutReference(olderThan, batch)) {
      if (!this.outageWatch.admits(outages, intent.provider, 'creation_recovery')) continue;
      try {
        await this.intents.markProviderChecked(intent.id, this.clock.now());
        await this.sync.follow(intent, 'creation_recovery');
        this.outageWatch.recordCall(outages, intent.provider);
      } catch (error) {
        this.outageWatch.recordCall(outages, intent.provider, error);
        this.logger.warn({ err: error, intentId: intent.id }, 'could not look up a deposit whose creation is unknown');
      }
    }
  }

  private async walletMovements(intents: PaymentIntent[], since: Date): Promise<PaymentWalletMovement[]> {
    const movements: PaymentWalletMovement[] = [];
    for (const userId of new Set(intents.map((intent) => intent.userId))) {
      const walletIds = (await this.wallets.walletsOfUser(userId)).map((wallet) => wallet.walletId);
      if (walletIds.length === 0) continue;
      const rows = await this.wallets.listTransactions({
        walletIds,
        types: ['deposit', 'hold_capture', 'hold_release'],
        from: since,
        limit: 10_000,
      });
      for (const row of rows) {
        const intentId = row.metadata?.['paymentIntentId'];
        // A refund's hold and capture name the deposit they refund; they are not its settlement.
        if (intentId && !row.metadata?.['refundId'])
          movements.push({ transactionId: row.id, type: row.type, amount: row.amount, intentId });
      }
    }
    return movements;
  }

  private async compareWithProviders(
    intents: PaymentIntent[],
    since: Date,
    outages: ProviderOutageBreaker,
  ): Promise<Mismatch[]> {
    const mismatches: Mismatch[] = [];
    for (const provider of this.providers.all()) {
      const own = intents.filter((intent) => intent.provider === provider.name);
      if (own.length === 0) continue;
      const unreachable: Mismatch = {
        kind: 'psp_unreachable',
        provider: provider.name,
        intentId: null,
        details: { intents: String(own.length) },
      };
      if (!this.outageWatch.admits(outages, provider.name, 'list_comparison', false)) {
        mismatches.push({ ...unreachable, details: { ...unreachable.details, skipped: 'outage' } });
        continue;
      }
      try {
        const [payments, payouts] = await Promise.all([provider.listPayments(since), provider.listPayouts(since)]);
        this.outageWatch.recordCall(outages, provider.name);
        mismatches.push(...compareWithProvider(own, payments, payouts));
      } catch (error) {
        this.outageWatch.recordCall(outages, provider.name, error);
        this.logger.warn({ err: error, provider: provider.name }, 'could not list the provider record');
        mismatches.push(unreachable);
      }
    }
    return mismatches;
  }
}
