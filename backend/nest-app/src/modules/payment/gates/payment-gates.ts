import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { AppConfig } from '../../../config/app-config';
import { StepUpService } from '../../auth/two-factor/step-up.service';
import { PlayEligibilityService } from '../../user/eligibility/play-eligibility.service';
import { KycService } from '../../user/kyc/kyc.service';
import { ResponsibleGamingService } from '../../user/responsible-gaming/responsible-gaming.service';
import { UsersService } from '../../user/users.service';
import { WalletService } from '../../wallet/wallet.service';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import { reachesAmlThreshold } from './aml-exposure';

/**
 * What must hold before an intent is created (../shared/reference/responsible-gaming.md):
 * deposits need real-money eligibility (current terms accepted, age verified: UKGC verifies age before a
 * deposit) and respect exclusions and deposit limits (user module) and, past the AML threshold,
 * verified KYC; withdrawals need verified KYC and, when enabled, a recent step-up 2FA. The funds
 * themselves (the player's own open holds and bets already out of cash) are the wallet's check.
 */
@Injectable()
export class PaymentGates {
  public constructor(
    private readonly responsibleGaming: ResponsibleGamingService,
    private readonly kyc: KycService,
    private readonly eligibility: PlayEligibilityService,
    private readonly stepUp: StepUpService,
    private readonly wallets: WalletService,
    private readonly intents: PaymentIntentRepository,
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  /**
   * The deposit gates, inside the transaction that then inserts the intent: under the player's deposit lock, so
   * concurrent creations are serialised and each sees the intents of those before it. Every read goes through
   * `manager` (a second pool connection, asked for while this one waits on or holds the lock, could starve the
   * pool). The limit counts the RG activity of the period, the deposits in flight (open ones included: the
   * player can still pay them) and the new amount (RTS 12: once the limit is reached, deposits are blocked).
   */
  public async assertCanDeposit(
    manager: EntityManager,
    userId: string,
    amount: bigint,
    currency: string,
  ): Promise<void> {
    await this.eligibility.assertEligible(userId, manager);
    await this.intents.lockDepositGate(manager, userId);
    await this.assertActive(userId, manager);
    // In flight first, then the RG counters: settlement commits the RG record before it sets `settled_at`, so a
    // deposit settling between the two reads is counted once or twice, never missed.
    const inFlight = await this.intents.depositsInFlight(userId, currency, manager);
    await this.responsibleGaming.assertCanDeposit(userId, amount, currency, { inFlight, manager });
    const totals = await this.intents.depositTotalsByCurrency(userId, manager);
    if (reachesAmlThreshold(totals, amount, currency, this.config.amlKycThresholds)) {
      await this.assertKyc(userId, 'aml_threshold', manager);
    }
  }

  public async assertCanWithdraw(user: AuthenticatedUser, currency: string): Promise<void> {
    await this.assertActive(user.userId);
    await this.assertKyc(user.userId, 'withdrawal');
    if (this.config.WITHDRAWAL_STEP_UP_REQUIRED) await this.stepUp.assertRecentMfaIfEnrolled(user);
    await this.assertHasWallet(user.userId, currency);
  }

  /** A blocked or closed account moves no money in or out (its sessions end too, ADR 0018). */
  private async assertActive(userId: string, manager?: EntityManager): Promise<void> {
    const { status } = await this.users.getRecord(userId, manager);
    if (status !== 'active') throw new DomainError('ACCOUNT_NOT_ACTIVE', 'The account may not move money', { status });
  }

  private async assertKyc(
    userId: string,
    reason: 'aml_threshold' | 'withdrawal',
    manager?: EntityManager,
  ): Promise<void> {
    try {
      await this.kyc.assertVerified(userId, 'basic', manager);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'KYC_REQUIRED') {
        throw new DomainError('KYC_REQUIRED', error.message, { ...error.details, reason });
      }
      throw error;
    }
  }

  /** A deposit's first gate, before its transaction (the wallet is read on its own connection). */
  public async assertHasWallet(userId: string, currency: string): Promise<void> {
    const wallets = await this.wallets.walletsOfUser(userId);
    if (!wallets.some((wallet) => wallet.balances.currency === currency)) {
      throw new DomainError('CURRENCY_NOT_SUPPORTED', 'The player has no wallet in this currency', { currency });
    }
  }
}
