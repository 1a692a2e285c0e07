import { maskPhone } from '@casino/platform';
import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Public } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../user/user-directory';
import { CodeDto } from '../dto/code.dto';
import { MfaTokenDto } from '../dto/mfa-token.dto';
import { MfaVerifyDto } from '../dto/mfa-verify.dto';
import { PhoneDto } from '../dto/phone.dto';
import { RecoveryCodesDto } from '../dto/recovery-codes.dto';
import { StepUpResultDto } from '../dto/step-up-result.dto';
import { TokenPairDto } from '../dto/token-pair.dto';
import { TotpSetupDto } from '../dto/totp-setup.dto';
import { TwoFactorStatusDto } from '../dto/two-factor-status.dto';
import { SecuritySettingsGuard } from '../guards/security-settings.guard';
import { RequireRecentMfa } from '../guards/step-up.guard';
import { Origin } from '../../../common/http/request-origin';
import { AuthThrottlerGuard } from '../throttling/auth-throttler.guard';
import { CodeRequest } from '../throttling/code-request.decorator';
import { MfaService } from './mfa.service';
import { SmsFactorService } from './sms-factor.service';
import { TwoFactorService } from './two-factor.service';

@ApiTags('auth')
@ApiBearerAuth()
@UseGuards(AuthThrottlerGuard)
@Controller('auth/2fa')
export class AuthTwoFactorController {
  public constructor(
    private readonly twoFactor: TwoFactorService,
    private readonly sms: SmsFactorService,
    private readonly mfa: MfaService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The caller`s second factors' })
  @ApiOkResponse({ type: TwoFactorStatusDto })
  public async status(@CurrentUser() user: AuthenticatedUser): Promise<TwoFactorStatusDto> {
    const status = await this.twoFactor.status(user.userId);
    return { ...status, smsEnabled: status.smsPhone !== null, smsPhone: status.smsPhone && maskPhone(status.smsPhone) };
  }

  @Post('totp/setup')
  @UseGuards(SecuritySettingsGuard)
  @ApiOperation({ summary: 'Start TOTP setup: secret, otpauth URI and QR code' })
  @ApiOkResponse({ type: TotpSetupDto })
  public setupTotp(@CurrentUser() user: AuthenticatedUser): Promise<TotpSetupDto> {
    return this.twoFactor.setupTotp(user.userId);
  }

  @Post('totp/enable')
  @HttpCode(HttpStatus.OK)
  @UseGuards(SecuritySettingsGuard)
  @ApiOperation({ summary: 'Turn TOTP on with a code from the app; returns 10 single-use recovery codes' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  public async enableTotp(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CodeDto,
    @Origin() origin: RequestOrigin,
  ): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.twoFactor.enableTotp(user, body.code, origin) };
  }

  @Post('totp/disable')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequireRecentMfa()
  @ApiOperation({ summary: 'Turn TOTP off (needs a recent step-up)' })
  @ApiNoContentResponse()
  public async disableTotp(@CurrentUser() user: AuthenticatedUser, @Origin() origin: RequestOrigin): Promise<void> {
    await this.twoFactor.disableTotp(user, origin);
  }

  @Post('recovery-codes')
  @HttpCode(HttpStatus.OK)
  @RequireRecentMfa()
  @ApiOperation({ summary: 'Replace the recovery codes (needs a recent step-up)' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  public async regenerateRecoveryCodes(
    @CurrentUser() user: AuthenticatedUser,
    @Origin() origin: RequestOrigin,
  ): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.twoFactor.regenerateRecoveryCodes(user, origin) };
  }

  @Post('sms/phone')
  @HttpCode(HttpStatus.ACCEPTED)
  @CodeRequest('sms')
  @UseGuards(SecuritySettingsGuard)
  @ApiOperation({ summary: 'Send a verification code to the phone to use for SMS codes' })
  @ApiAcceptedResponse()
  public async startPhone(@CurrentUser() user: AuthenticatedUser, @Body() body: PhoneDto): Promise<void> {
    await this.sms.startPhoneVerification(user.userId, body.phone);
  }

  @Post('sms/phone/confirm')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(SecuritySettingsGuard)
  @ApiOperation({ summary: 'Confirm the phone with its code; SMS codes then work as a second factor' })
  @ApiNoContentResponse()
  public async confirmPhone(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CodeDto,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    await this.sms.confirmPhone(user, body.code, origin);
  }

  @Post('sms/disable')
  @HttpCode(HttpStatus.NO_CONTENT)
  @RequireRecentMfa()
  @ApiOperation({ summary: 'Stop SMS codes (needs a recent step-up)' })
  @ApiNoContentResponse()
  public async disableSms(@CurrentUser() user: AuthenticatedUser, @Origin() origin: RequestOrigin): Promise<void> {
    await this.sms.disable(user, origin);
  }

  @Public()
  @Post('verify')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Finish a sign-in that answered mfaRequired (TOTP, SMS or recovery code)' })
  @ApiOkResponse({ type: TokenPairDto })
  public verify(@Body() body: MfaVerifyDto, @Origin() origin: RequestOrigin): Promise<TokenPairDto> {
    return this.mfa.verifyChallenge(body.mfaToken, body.code, origin);
  }

  @Public()
  @Post('sms/challenge')
  @HttpCode(HttpStatus.ACCEPTED)
  @CodeRequest('sms')
  @ApiOperation({ summary: 'Send an SMS code for a pending sign-in challenge' })
  @ApiAcceptedResponse()
  public async challengeSms(@Body() body: MfaTokenDto): Promise<void> {
    await this.mfa.sendChallengeSms(body.mfaToken);
  }

  @Post('step-up')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Confirm the session with a second factor for sensitive actions' })
  @ApiOkResponse({ type: StepUpResultDto })
  public stepUp(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CodeDto,
    @Origin() origin: RequestOrigin,
  ): Promise<StepUpResultDto> {
    return this.mfa.stepUp(user, body.code, origin);
  }

  @Post('step-up/sms')
  @HttpCode(HttpStatus.ACCEPTED)
  @CodeRequest('sms')
  @ApiOperation({ summary: 'Send an SMS code for a step-up' })
  @ApiAcceptedResponse()
  public async stepUpSms(@CurrentUser() user: AuthenticatedUser): Promise<void> {
    await this.sms.sendCode(user.userId);
  }
}
