import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { ResponsibleGamingService } from '../../user/responsible-gaming/responsible-gaming.service';
import { WalletService } from '../../wallet/wallet.service';
import { PaymentIntentRepository } from './payment-intent.repository';
import type { PaymentIntent } from './payment-intent.types';

/** The wallet's idempotency scope of every payment money movement. */
export const WALLET_SCOPE = 'payment';

/** Wallet idempotency keys derive from the intent: whatever retries, each movement happens once. */
export const walletKeys = {
  deposit: (intentId: string): string => `deposit:${intentId}`,
  hold: (intentId: string): string => `withdrawal:${intentId}:hold`,
  capture: (intentId: string): string => `withdrawal:${intentId}:capture`,
  release: (intentId: string): string => `withdrawal:${intentId}:release`,
};

/**
 * Moves the money an intent's terminal status calls for, through WalletService only:
 * a succeeded deposit credits the wallet; a succeeded withdrawal captures its hold; a failed or
 * canceled withdrawal releases it. Safe to call any number of times (wallet keys derive from the
 * intent; `settled_at` is set under the intent's row lock), so webhooks, retries and the
 * reconciliation sweep all call it.
 */
@Injectable()
export class PaymentSettlement {
  private readonly logger = new Logger(PaymentSettlement.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly intents: PaymentIntentRepository,
    private readonly wallets: WalletService,
    private readonly responsibleGaming: ResponsibleGamingService,
    private readonly clock: Clock,
  ) {}

  /** Places the hold of a new withdrawal; answers the hold id (INSUFFICIENT_FUNDS when the cash is not there). */
  public async holdForWithdrawal(intent: PaymentIntent): Promise<string> {
    const result = await this.wallets.holdFunds({
      wallet: { userId: intent.userId },
      currency: intent.currency,
      amount: intent.amount,
      provider: intent.provider,
      idempotency: { scope: WALLET_SCOPE, key: walletKeys.hold(intent.id) },
      metadata: { paymentIntentId: intent.id },
    });
    if (!result.holdId) throw new Error(`wallet hold of ${intent.id} returned no hold id`);
    return result.holdId;
  }

  public async settle(intentId: string): Promise<PaymentIntent | null> {
    return this.dataSource.transaction(async (manager) => {
      const intent = await this.intents.lockById(manager, intentId);
      if (!intent || intent.settledAt || !needsSettlement(intent)) return intent;
      const transactionId = await this.moveMoney(intent);
      const settled = await this.intents.update(manager, intent.id, {
        settledAt: this.clock.now(),
        walletTransactionId: transactionId,
      });
      this.logger.log(
        { intentId, kind: intent.kind, status: intent.status, transactionId },
        'payment settled in the wallet',
      );
      return settled;
    });
  }

  /** Settles without throwing: a failure is logged and left to the next webhook or the sweep. */
  public async settleQuietly(intentId: string): Promise<void> {
    try {
      await this.settle(intentId);
    } catch (error) {
      this.logger.error({ err: error, intentId }, 'payment settlement failed; the sweep will retry');
    }
  }

  private async moveMoney(intent: PaymentIntent): Promise<string | null> {
    if (intent.kind === 'deposit') {
      const result = await this.wallets.deposit({
        wallet: { userId: intent.userId },
        currency: intent.currency,
        amount: intent.amount,
        provider: intent.provider,
        idempotency: { scope: WALLET_SCOPE, key: walletKeys.deposit(intent.id) },
        metadata: { paymentIntentId: intent.id, providerReference: intent.providerReference ?? '' },
      });
      // Counted once per credit: a crash between the two may count it twice, which errs on the player's protection.
      await this.responsibleGaming.recordDeposit(intent.userId, intent.amount, intent.currency, this.clock.now());
      return result.transactionId;
    }
    if (!intent.walletHoldId) return null;
    const resolve = intent.status === 'succeeded' ? 'captureHold' : 'releaseHold';
    const key = intent.status === 'succeeded' ? walletKeys.capture(intent.id) : walletKeys.release(intent.id);
    const result = await this.wallets[resolve]({
      holdId: intent.walletHoldId,
      idempotency: { scope: WALLET_SCOPE, key },
      metadata: { paymentIntentId: intent.id },
    });
    return result.transactionId;
  }
}

function needsSettlement(intent: PaymentIntent): boolean {
  if (intent.kind === 'deposit') return intent.status === 'succeeded';
  return intent.status === 'succeeded' || intent.status === 'failed' || intent.status === 'canceled';
}
