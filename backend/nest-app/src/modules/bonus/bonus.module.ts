import { Module } from '@nestjs/common';
import { UserModule } from '../user/user.module';
import { WalletModule } from '../wallet/wallet.module';
import { WelcomeClaims } from './abuse/welcome-claims';
import { CashbackJob } from './cashback/cashback.job';
import { CashbackRepository } from './cashback/cashback.repository';
import { DepositMatchConsumer } from './deposit-match/deposit-match.consumer';
import { FreeSpinGrants } from './free-spins/free-spin-grants.service';
import { FreeSpinPlayService } from './free-spins/free-spin-play';
import { FreeSpinRewardsRepository } from './free-spins/free-spin-rewards.repository';
import { FreeSpinsIssuers } from './free-spins/free-spins-issuers';
import { BonusLifeCycleSweeper } from './player-bonuses/bonus-life-cycle.sweeper';
import { BonusWithdrawals } from './player-bonuses/bonus-withdrawals.service';
import { PlayerBonusCancelsController } from './player-bonuses/player-bonus-cancels.controller';
import { PlayerBonusCancels } from './player-bonuses/player-bonus-cancels.service';
import { PlayerBonusEndings } from './player-bonuses/player-bonus-endings.service';
import { PlayerBonusGrantsController } from './player-bonuses/player-bonus-grants.controller';
import { PlayerBonusGrants } from './player-bonuses/player-bonus-grants.service';
import { PlayerBonusesController } from './player-bonuses/player-bonuses.controller';
import { PlayerBonusesRepository } from './player-bonuses/player-bonuses.repository';
import { PlayerBonusesService } from './player-bonuses/player-bonuses.service';
import { BonusTemplatesController } from './templates/bonus-templates.controller';
import { BonusTemplatesRepository } from './templates/bonus-templates.repository';
import { BonusTemplatesService } from './templates/bonus-templates.service';
import { BonusWagering } from './wagering/bonus-wagering';

/** Bonus engine (docs/bonuses.md): templates, player bonuses (grant, opt-in, forfeit, conversion), wagering. */
@Module({
  imports: [UserModule, WalletModule],
  controllers: [
    BonusTemplatesController,
    PlayerBonusGrantsController,
    PlayerBonusesController,
    PlayerBonusCancelsController,
  ],
  providers: [
    BonusTemplatesRepository,
    BonusTemplatesService,
    PlayerBonusesRepository,
    PlayerBonusGrants,
    PlayerBonusEndings,
    PlayerBonusesService,
    BonusWagering,
    DepositMatchConsumer,
    FreeSpinRewardsRepository,
    FreeSpinsIssuers,
    FreeSpinGrants,
    FreeSpinPlayService,
    CashbackRepository,
    CashbackJob,
    WelcomeClaims,
    BonusLifeCycleSweeper,
    PlayerBonusCancels,
    BonusWithdrawals,
  ],
  exports: [BonusTemplatesService, BonusWagering, FreeSpinsIssuers, FreeSpinPlayService, BonusWithdrawals],
})
export class BonusModule {}
