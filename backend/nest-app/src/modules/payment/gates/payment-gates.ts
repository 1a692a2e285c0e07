import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { AppConfig } from '../../../config/app-config';
import { StepUpService } from '../../auth/two-factor/step-up.service';
import { KycService } from '../../user/kyc/kyc.service';
import { ResponsibleGamingService } from '../../user/responsible-gaming/responsible-gaming.service';
import { WalletService } from '../../wallet/wallet.service';
import { PaymentIntentRepository } from '../intents/payment-intent.repository';
import { reachesAmlThreshold } from './aml-exposure';

/**
 * What must hold before an intent is created (../shared/reference/responsible-gaming.md):
 * deposits respect exclusions and deposit limits (user module) and, past the AML threshold,
 * verified KYC; withdrawals need verified KYC and, when enabled, a recent step-up 2FA. The funds
 * themselves (the player's own open holds and bets already out of cash) are the wallet's check.
 */
@Injectable()
export class PaymentGates {
  public constructor(
    private readonly responsibleGaming: ResponsibleGamingService,
    private readonly kyc: KycService,
    private readonly stepUp: StepUpService,
    private readonly wallets: WalletService,
    private readonly intents: PaymentIntentRepository,
    private readonly config: AppConfig,
  ) {}

  public async assertCanDeposit(userId: string, amount: bigint, currency: string): Promise<void> {
    await this.assertHasWallet(userId, currency);
    const totals = await this.intents.depositTotalsByCurrency(userId);
    // Deposits already under way count toward the limit too, or parallel intents would slip past it.
    const inFlight = await this.intents.depositsInFlight(userId, currency);
    await this.responsibleGaming.assertCanDeposit(userId, amount + inFlight, currency);
    if (reachesAmlThreshold(totals, amount, currency, this.config.amlKycThresholds)) {
      await this.assertKyc(userId, 'aml_threshold');
    }
  }

  public async assertCanWithdraw(user: AuthenticatedUser, currency: string): Promise<void> {
    await this.assertKyc(user.userId, 'withdrawal');
    if (this.config.WITHDRAWAL_STEP_UP_REQUIRED) await this.stepUp.assertRecentMfaIfEnrolled(user);
    await this.assertHasWallet(user.userId, currency);
  }

  private async assertKyc(userId: string, reason: 'aml_threshold' | 'withdrawal'): Promise<void> {
    try {
      await this.kyc.assertVerified(userId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'KYC_REQUIRED') {
        throw new DomainError('KYC_REQUIRED', error.message, { ...error.details, reason });
      }
      throw error;
    }
  }

  private async assertHasWallet(userId: string, currency: string): Promise<void> {
    const wallets = await this.wallets.walletsOfUser(userId);
    if (!wallets.some((wallet) => wallet.balances.currency === currency)) {
      throw new DomainError('CURRENCY_NOT_SUPPORTED', 'The player has no wallet in this currency', { currency });
    }
  }
}
