import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { WalletService } from '../../wallet/wallet.service';
import { PaymentIdempotency } from '../idempotency/payment-idempotency';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import type { PaymentIntent } from '../intents/payment-intent.types';
import { PaymentPayouts } from '../intents/payment-payouts';
import { PaymentSettlement } from '../intents/payment-settlement';
import { PaymentMetrics } from '../payment-metrics';
import { PaymentSecurityEvents } from '../payment-security-events';
import { PaymentProviders } from '../psp/payment-providers';
import { PaymentDepositExpiry } from './payment-deposit-expiry';
import {
  compareWithProvider,
  compareWithWallet,
  type Mismatch,
  type PaymentWalletMovement,
} from './reconciliation-rules';

export interface ReconciliationReport {
  checkedIntents: number;
  mismatches: Mismatch[];
}

const SWEEP_BATCH = 500;
const IDEMPOTENCY_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * Compares our intents with the wallet's movements and with each provider's own record (its list
 * API), and raises a `reconciliation.mismatch` security/ops event (plus a metric) for every
 * difference. Before comparing, it sweeps: abandoned deposits are expired, owed wallet movements and unsent
 * payouts are retried.
 */
@Injectable()
export class PaymentReconciliation {
  private readonly logger = new Logger(PaymentReconciliation.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly wallets: WalletService,
    private readonly providers: PaymentProviders,
    private readonly settlement: PaymentSettlement,
    private readonly payouts: PaymentPayouts,
    private readonly depositExpiry: PaymentDepositExpiry,
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
    await this.sweep(graceCutoff);
    await this.idempotency.prune(new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS));
    const since = new Date(now.getTime() - this.config.PAYMENT_RECONCILIATION_WINDOW_HOURS * 3600 * 1000);
    const intents = (await this.intents.findCreatedSince(since)).filter((intent) => intent.updatedAt <= graceCutoff);
    const mismatches = [
      ...compareWithWallet(intents, await this.walletMovements(intents, since)),
      ...(await this.compareWithProviders(intents, since)),
    ];
    for (const mismatch of mismatches) {
      this.metrics.reconciliationMismatches.inc({ kind: mismatch.kind });
      await this.securityEvents.record({
        kind: 'reconciliation.mismatch',
        provider: mismatch.provider,
        intentId: mismatch.intentId,
        details: { mismatch: mismatch.kind, ...mismatch.details },
      });
    }
    this.logger.log({ checkedIntents: intents.length, mismatches: mismatches.length }, 'payment reconciliation done');
    return { checkedIntents: intents.length, mismatches };
  }

  /** Runs unless another process is running it (PostgreSQL advisory lock); null when skipped. */
  public async runExclusive(): Promise<ReconciliationReport | null> {
    return this.dataSource.transaction(async (manager) => {
      const [lock] = (await manager.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('payment-reconciliation')) AS acquired`,
      )) as { acquired: boolean }[];
      return lock?.acquired ? this.run() : null;
    });
  }

  private async sweep(olderThan: Date): Promise<void> {
    await this.depositExpiry.expireAbandoned();
    for (const intent of await this.intents.findUnsettled(olderThan, SWEEP_BATCH))
      await this.settlement.settleQuietly(intent.id);
    for (const intent of await this.intents.findPayoutsToSend(olderThan, SWEEP_BATCH))
      await this.payouts.send(intent.id);
  }

  private async walletMovements(intents: PaymentIntent[], since: Date): Promise<PaymentWalletMovement[]> {
    const movements: PaymentWalletMovement[] = [];
    for (const userId of new Set(intents.map((intent) => intent.userId))) {
      const walletIds = (await this.wallets.walletsOfUser(userId)).map((wallet) => wallet.walletId);
      if (walletIds.length === 0) continue;
      const rows = await this.wallets.listTransactions({
        walletIds,
        types: ['deposit', 'hold_capture'],
        from: since,
        limit: 10_000,
      });
      for (const row of rows) {
        const intentId = row.metadata?.['paymentIntentId'];
        if (intentId) movements.push({ transactionId: row.id, type: row.type, amount: row.amount, intentId });
      }
    }
    return movements;
  }

  private async compareWithProviders(intents: PaymentIntent[], since: Date): Promise<Mismatch[]> {
    const mismatches: Mismatch[] = [];
    for (const provider of this.providers.all()) {
      const own = intents.filter((intent) => intent.provider === provider.name);
      if (own.length === 0) continue;
      try {
        const [payments, payouts] = await Promise.all([provider.listPayments(since), provider.listPayouts(since)]);
        mismatches.push(...compareWithProvider(own, payments, payouts));
      } catch (error) {
        this.logger.warn({ err: error, provider: provider.name }, 'could not list the provider record');
        mismatches.push({
          kind: 'psp_unreachable',
          provider: provider.name,
          intentId: null,
          details: { intents: String(own.length) },
        });
      }
    }
    return mismatches;
  }
}
