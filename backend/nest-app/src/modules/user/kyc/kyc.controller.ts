import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, Public } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { KycStatusDto } from './dto/kyc-status.dto';
import { StartKycDto } from './dto/start-kyc.dto';
import { KycService } from './kyc.service';

@ApiTags('kyc')
@Controller('users')
export class KycController {
  public constructor(private readonly kyc: KycService) {}

  @Get('me/kyc')
  @ApiBearerAuth()
  @ApiOkResponse({ type: KycStatusDto })
  public async status(@CurrentUser() caller: AuthenticatedUser): Promise<KycStatusDto> {
    return this.kyc.describe(caller.userId);
  }

  @Post('me/kyc')
  @ApiBearerAuth()
  @ApiOkResponse({ type: KycStatusDto })
  public async start(@CurrentUser() caller: AuthenticatedUser, @Body() body: StartKycDto): Promise<KycStatusDto> {
    return this.kyc.startCheck(caller.userId, body.level ?? 'basic');
  }

  /** The KYC provider's result; authenticated by its HMAC signature over the raw body, not by a session. */
  @Public()
  @Post('kyc/webhooks/:provider')
  @HttpCode(200)
  @ApiHeader({ name: 'X-KYC-Signature', description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">' })
  public async webhook(
    @Param('provider') provider: string,
    @Headers('x-kyc-signature') signature: string | undefined,
    @Req() request: RawBodyRequest<FastifyRequest>,
  ): Promise<{ accepted: true; duplicate: boolean }> {
    return this.kyc.handleWebhook(provider, signature, request.rawBody);
  }
}
