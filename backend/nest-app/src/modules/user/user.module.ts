import { Module } from '@nestjs/common';
import { MailModule } from '../../infra/mail/mail.module';
import { SmsModule } from '../../infra/sms/sms.module';
import { ConsentsController } from './consents/consents.controller';
import { ConsentsRepository } from './consents/consents.repository';
import { ConsentsService } from './consents/consents.service';
import { PlayEligibilityController } from './eligibility/play-eligibility.controller';
import { PlayEligibilityRepository } from './eligibility/play-eligibility.repository';
import { PlayEligibilityService } from './eligibility/play-eligibility.service';
import { KycAdminController } from './kyc/kyc-admin.controller';
import { KycController } from './kyc/kyc.controller';
import { KycRepository } from './kyc/kyc.repository';
import { KycService } from './kyc/kyc.service';
import { ProfileController } from './profile/profile.controller';
import { ProfileService } from './profile/profile.service';
import { VerificationCodes } from './profile/verification-codes';
import { ResponsibleGamingController } from './responsible-gaming/responsible-gaming.controller';
import { ResponsibleGamingService } from './responsible-gaming/responsible-gaming.service';
import { RgActivityRepository } from './responsible-gaming/rg-activity.repository';
import { RgBetGateRepository } from './responsible-gaming/rg-bet-gate.repository';
import { RgExclusionsRepository } from './responsible-gaming/rg-exclusions.repository';
import { RgLimitsRepository } from './responsible-gaming/rg-limits.repository';
import { RgSettingsService } from './responsible-gaming/rg-settings.service';
import { UserDirectory } from './user-directory';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Accounts, profiles, KYC, responsible gaming, consents, notification preferences and real-money eligibility. */
@Module({
  imports: [MailModule, SmsModule],
  controllers: [
    ProfileController,
    KycController,
    KycAdminController,
    ResponsibleGamingController,
    ConsentsController,
    PlayEligibilityController,
  ],
  providers: [
    UsersRepository,
    UsersService,
    ProfileService,
    VerificationCodes,
    KycRepository,
    KycService,
    RgLimitsRepository,
    RgExclusionsRepository,
    RgActivityRepository,
    RgBetGateRepository,
    RgSettingsService,
    ResponsibleGamingService,
    ConsentsRepository,
    ConsentsService,
    PlayEligibilityRepository,
    PlayEligibilityService,
    { provide: UserDirectory, useExisting: UsersService },
  ],
  exports: [
    UsersService,
    UserDirectory,
    KycService,
    ResponsibleGamingService,
    ConsentsService,
    PlayEligibilityService,
    RgSettingsService,
  ],
})
export class UserModule {}
