import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { KycDecisionDto } from './dto/kyc-decision.dto';
import { KycReviewDto } from './dto/kyc-history-entry.dto';
import { KycStatusDto } from './dto/kyc-status.dto';
import { KycService } from './kyc.service';
import { RequirePermission } from '../../../common/auth/staff-permissions';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/users/:id/kyc')
export class KycAdminController {
  public constructor(private readonly kyc: KycService) {}

  @Get()
  @RequirePermission('kyc.read')
  @ApiOkResponse({ type: KycReviewDto })
  public async review(@Param('id', ParseUUIDPipe) userId: string): Promise<KycReviewDto> {
    return this.kyc.review(userId);
  }

  @Post('decision')
  @RequirePermission('kyc.decide')
  @HttpCode(200)
  @ApiOkResponse({ type: KycStatusDto })
  public async decide(
    @CurrentUser() staff: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) userId: string,
    @Body() body: KycDecisionDto,
    @Origin() origin: RequestOrigin,
  ): Promise<KycStatusDto> {
    return this.kyc.decide(staff, userId, body, origin);
  }
}
