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

/** What a settlement moved: the wallet transaction, and the withdrawal's hold it resolved (found by its key if need be). */
interface Movement {
  transactionId: string | null;
  holdId: string | null;
}

/**
 * Moves the money an intent's terminal status calls for, through WalletService only:
 * a succeeded deposit credits the wallet, with its responsible-gaming deposit record in the credit's own transaction;
 * a succeeded withdrawal captures its hold; a failed or canceled withdrawal releases it. A withdrawal's hold is the
 * one its idempotency key placed, whether or not the intent stored its id (the answer of the hold may have been lost,
 * or the process stopped before storing it). Safe to call any number of times (wallet keys derive from the
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
      metadata: { paymentIntentId: intent.id, ...methodOf(intent) },
    });
    if (!result.holdId) throw new Error(`wallet hold of ${intent.id} returned no hold id`);
    return result.holdId;
  }

  /**
   * Moves the intent's money, then marks it settled. The money moves outside the intent's transaction: the wallet
   * takes a connection of its own, and one held here while it waits would let a burst of settlements as large as
   * the pool wait on each other forever. The wallet's key (one per intent and movement) makes a concurrent or
   * repeated settlement the same movement; the intent's row lock only orders the marking.
   */
  public async settle(intentId: string): Promise<PaymentIntent | null> {
    const seen = await this.intents.findById(intentId);
    if (!seen || seen.settledAt || !needsSettlement(seen)) return seen;
    const moved = await this.moveMoney(seen);
    return this.dataSource.transaction(async (manager) => {
      const intent = await this.intents.lockById(manager, intentId);
      if (!intent || intent.settledAt) return intent;
      const settled = await this.intents.update(manager, intent.id, {
        settledAt: this.clock.now(),
        walletTransactionId: moved.transactionId,
        ...(moved.holdId && !intent.walletHoldId ? { walletHoldId: moved.holdId } : {}),
      });
      this.logger.log(
        { intentId, kind: intent.kind, status: intent.status, transactionId: moved.transactionId },
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

  /**
   * A hold placed while its withdrawal was failed or canceled meanwhile (the expiry of a creation that took too
   * long, or the player's cancel): released at once, and stored on the intent, even when it was settled already.
   */
  public async releaseLateHold(intentId: string, holdId: string): Promise<PaymentIntent | null> {
    const seen = await this.intents.findById(intentId);
    if (!seen || seen.kind !== 'withdrawal' || seen.walletHoldId || !releasesHold(seen)) return seen;
    // As in `settle`: the wallet's connection is never awaited inside the intent's transaction.
    const transactionId = await this.resolveHold(seen, holdId);
    this.logger.warn({ intentId, holdId, transactionId }, 'hold placed after its withdrawal ended; released');
    return this.dataSource.transaction(async (manager) => {
      const intent = await this.intents.lockById(manager, intentId);
      if (!intent || intent.walletHoldId) return intent;
      return this.intents.update(manager, intent.id, {
        walletHoldId: holdId,
        walletTransactionId: transactionId,
        settledAt: intent.settledAt ?? this.clock.now(),
      });
    });
  }

  private async moveMoney(intent: PaymentIntent): Promise<Movement> {
    if (intent.kind === 'deposit') return { transactionId: await this.credit(intent), holdId: null };
    const holdId =
      intent.walletHoldId ??
      (await this.wallets.holdPlacedBy({ scope: WALLET_SCOPE, key: walletKeys.hold(intent.id) }));
    if (!holdId) return { transactionId: null, holdId: null };
    return { transactionId: await this.resolveHold(intent, holdId), holdId };
  }

  /** The credit and its RG deposit record commit together; a replayed credit writes no record again. */
  private async credit(intent: PaymentIntent): Promise<string> {
    const counted = this.responsibleGaming.depositAttachment(
      intent.userId,
      intent.amount,
      intent.currency,
      this.clock.now(),
    );
    const result = await this.wallets.deposit(
      {
        wallet: { userId: intent.userId },
        currency: intent.currency,
        amount: intent.amount,
        provider: intent.provider,
        idempotency: { scope: WALLET_SCOPE, key: walletKeys.deposit(intent.id) },
        metadata: {
          paymentIntentId: intent.id,
          providerReference: intent.providerReference ?? '',
          ...methodOf(intent),
        },
      },
      counted,
    );
    return result.transactionId;
  }

  /** Captures a succeeded withdrawal's hold, releases the hold of any other. */
  private async resolveHold(intent: PaymentIntent, holdId: string): Promise<string> {
    const capture = intent.status === 'succeeded';
    const result = await this.wallets[capture ? 'captureHold' : 'releaseHold']({
      holdId,
      idempotency: {
        scope: WALLET_SCOPE,
        key: capture ? walletKeys.capture(intent.id) : walletKeys.release(intent.id),
      },
      metadata: { paymentIntentId: intent.id, ...methodOf(intent) },
    });
    return result.transactionId;
  }
}

/**
 * The payment method in the wallet transaction's metadata (its event's reference; reports split by it). Only when
 * the intent has one: the metadata is part of the ledger command's request hash, so an intent created before the
 * method was recorded settles with the same metadata as before and a retry still replays.
 */
function methodOf(intent: PaymentIntent): { paymentMethod?: string } {
  return intent.method ? { paymentMethod: intent.method } : {};
}

function needsSettlement(intent: PaymentIntent): boolean {
  if (intent.kind === 'deposit') return intent.status === 'succeeded';
  return intent.status === 'succeeded' || releasesHold(intent);
}

function releasesHold(intent: PaymentIntent): boolean {
  return intent.kind === 'withdrawal' && (intent.status === 'failed' || intent.status === 'canceled');
}
