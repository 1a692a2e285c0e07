import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Public } from '../../../common/auth/auth.decorators';
import type { RequestOrigin } from '../../user/user-directory';
import { EmailStartResultDto } from '../dto/email-start-result.dto';
import { EmailStartDto } from '../dto/email-start.dto';
import { EmailVerifyDto } from '../dto/email-verify.dto';
import { SignInResultDto } from '../dto/sign-in-result.dto';
import { Origin } from '../../../common/http/request-origin';
import { AuthThrottlerGuard } from '../throttling/auth-throttler.guard';
import { CodeRequest } from '../throttling/code-request.decorator';
import { EMAIL_CODE_RESEND_SECONDS, EMAIL_CODE_TTL_SECONDS, EmailSignInService } from './email-sign-in.service';

@ApiTags('auth')
@Public()
@UseGuards(AuthThrottlerGuard)
@Controller('auth/email')
export class AuthEmailController {
  public constructor(private readonly emailSignIn: EmailSignInService) {}

  @Post('start')
  @HttpCode(HttpStatus.ACCEPTED)
  @CodeRequest('mail')
  @ApiOperation({ summary: 'Send a 6-digit sign-in code to an email address (same answer for unknown addresses)' })
  @ApiAcceptedResponse({ type: EmailStartResultDto })
  @ApiTooManyRequestsResponse({
    description: 'A code was sent to this address less than a minute ago, or this client asked for too many codes',
  })
  @ApiServiceUnavailableResponse({ description: 'CODE_DELIVERY_PAUSED: the platform sent its limit of mails for now' })
  public async start(@Body() body: EmailStartDto): Promise<EmailStartResultDto> {
    await this.emailSignIn.start(body.email);
    return { expiresIn: EMAIL_CODE_TTL_SECONDS, resendAfter: EMAIL_CODE_RESEND_SECONDS };
  }

  @Post('verify')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in (or up) with the emailed code' })
  @ApiOkResponse({ type: SignInResultDto })
  public verify(@Body() body: EmailVerifyDto, @Origin() origin: RequestOrigin): Promise<SignInResultDto> {
    return this.emailSignIn.verify(body.email, body.code, origin, body.consents);
  }
}
