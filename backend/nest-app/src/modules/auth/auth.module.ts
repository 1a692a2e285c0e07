import { REDIS_CLIENT } from '@casino/platform';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { MailModule } from '../../infra/mail/mail.module';
import { OutboundModule } from '../../infra/outbound/outbound.module';
import { DevSmsInboxModule } from '../../infra/sms/dev-sms-inbox.module';
import { SmsModule } from '../../infra/sms/sms.module';
import { UserModule } from '../user/user.module';
import { AuthBootstrap } from './auth-bootstrap';
import { AuthHasher } from './auth-hasher';
import { FailureCounter } from './codes/failure-counter';
import { OneTimeCodeStore } from './codes/one-time-code.store';
import { AuthEmailController } from './email/auth-email.controller';
import { EmailSignInService } from './email/email-sign-in.service';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { JwtStrategy } from './guards/jwt.strategy';
import { RolesGuard } from './guards/roles.guard';
import { SecuritySettingsGuard } from './guards/security-settings.guard';
import { StepUpGuard } from './guards/step-up.guard';
import { SignInLockAdminController } from './lockout/sign-in-lock-admin.controller';
import { StaffSignInLockStore } from './lockout/staff-sign-in-lock.store';
import { StaffSignInLockout } from './lockout/staff-sign-in-lockout';
import { AdminRolesController } from './roles/admin-roles.controller';
import { SecurityEventsAdminController } from './security-events/security-events-admin.controller';
import { RoleAdminService } from './roles/role-admin.service';
import { SecurityEventRepository } from './security-events/security-event.repository';
import { AccessTokenService } from './sessions/access-token.service';
import { AuthSessionController } from './sessions/auth-session.controller';
import { SessionAdminController } from './sessions/session-admin.controller';
import { SessionRevocationAudit } from './sessions/session-revocation-audit';
import { SessionService } from './sessions/session.service';
import { SessionStore } from './sessions/session.store';
import { SignInService } from './sign-in/sign-in.service';
import { AuthTelegramController } from './telegram/auth-telegram.controller';
import { TelegramSignInService } from './telegram/telegram-sign-in.service';
import { authThrottlers, AuthThrottlerGuard } from './throttling/auth-throttler.guard';
import { CodeRequestGuard } from './throttling/code-request.guard';
import { RedisThrottlerStorage } from './throttling/redis-throttler.storage';
import { AuthTwoFactorController } from './two-factor/auth-two-factor.controller';
import { FactorChangeAudit } from './two-factor/factor-change-audit';
import { MfaChallengeStore } from './two-factor/mfa-challenge.store';
import { MfaService } from './two-factor/mfa.service';
import { SecretBox } from './two-factor/secret-box';
import { SmsFactorService } from './two-factor/sms-factor.service';
import { StepUpService } from './two-factor/step-up.service';
import { TwoFactorRepository } from './two-factor/two-factor.repository';
import { TwoFactorService } from './two-factor/two-factor.service';

/**
 * Sign-in (email code, Telegram), sessions and tokens, 2FA, roles, abuse limits, security events.
 * Installs the global guards (JWT of a live session, then roles) and exports the step-up check.
 */
@Module({})
export class AuthModule {
  public static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [
        UserModule,
        PassportModule,
        JwtModule.register({}),
        ThrottlerModule.forRootAsync({
          inject: [AppConfig, REDIS_CLIENT],
          useFactory: (appConfig: AppConfig, redis: Redis) => ({
            throttlers: authThrottlers(appConfig),
            storage: new RedisThrottlerStorage(redis),
            setHeaders: false,
          }),
        }),
        MailModule,
        SmsModule,
        OutboundModule,
        DevSmsInboxModule.forRoot(config),
      ],
      controllers: [
        AuthEmailController,
        AuthTelegramController,
        AuthSessionController,
        AuthTwoFactorController,
        AdminRolesController,
        SecurityEventsAdminController,
        SessionAdminController,
        SignInLockAdminController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_GUARD, useClass: CodeRequestGuard },
        JwtStrategy,
        AuthThrottlerGuard,
        StepUpGuard,
        SecuritySettingsGuard,
        AuthHasher,
        AuthBootstrap,
        OneTimeCodeStore,
        FailureCounter,
        SecurityEventRepository,
        AccessTokenService,
        SessionStore,
        SessionService,
        SessionRevocationAudit,
        StaffSignInLockStore,
        StaffSignInLockout,
        SignInService,
        EmailSignInService,
        TelegramSignInService,
        SecretBox,
        TwoFactorRepository,
        FactorChangeAudit,
        TwoFactorService,
        SmsFactorService,
        MfaChallengeStore,
        MfaService,
        StepUpService,
        RoleAdminService,
      ],
      exports: [StepUpService, StepUpGuard, SecurityEventRepository, SessionService],
    };
  }
}
