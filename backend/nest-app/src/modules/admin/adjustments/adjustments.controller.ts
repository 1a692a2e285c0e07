import { DomainError, parseMinorUnits } from '@casino/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { AdjustmentsService } from './adjustments.service';
import {
  AdjustmentDecisionDto,
  AdjustmentListQueryDto,
  AdjustmentRequestDto,
  AdjustmentRequestPageDto,
  CreateAdjustmentRequestDto,
} from './dto/adjustment.dto';

/** Maker-checker wallet adjustments (docs/roles.md). */
@ApiTags('admin: adjustments')
@ApiBearerAuth()
@Controller('admin/adjustments')
export class AdjustmentsController {
  public constructor(private readonly adjustments: AdjustmentsService) {}

  @Get()
  @RequirePermission('adjustments.read')
  @ApiOkResponse({ type: AdjustmentRequestPageDto })
  public async list(@Query() query: AdjustmentListQueryDto): Promise<AdjustmentRequestPageDto> {
    const page = await this.adjustments.list(query);
    return { items: page.rows.map((row) => AdjustmentRequestDto.from(row)), nextCursor: page.nextCursor };
  }

  @Post()
  @RequirePermission('adjustments.request')
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Unique per request; a retry reuses it' })
  @ApiCreatedResponse({ type: AdjustmentRequestDto })
  public async request(
    @CurrentUser() user: AuthenticatedUser,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: CreateAdjustmentRequestDto,
    @Origin() origin: RequestOrigin,
  ): Promise<AdjustmentRequestDto> {
    if (!key || key.length > 200) {
      throw new DomainError('VALIDATION_FAILED', 'The Idempotency-Key header is required (at most 200 characters)');
    }
    const input = {
      walletId: body.walletId,
      amount: parseMinorUnits(body.amount),
      balance: body.balance ?? 'cash',
      reason: body.reason,
    };
    return AdjustmentRequestDto.from(await this.adjustments.request({ user, origin }, input, key));
  }

  @Post(':id/approve')
  @RequirePermission('adjustments.decide')
  @HttpCode(200)
  @ApiOkResponse({ type: AdjustmentRequestDto })
  public async approve(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AdjustmentDecisionDto,
    @Origin() origin: RequestOrigin,
  ): Promise<AdjustmentRequestDto> {
    return AdjustmentRequestDto.from(await this.adjustments.approve({ user, origin }, id, body.reason));
  }

  @Post(':id/reject')
  @RequirePermission('adjustments.decide')
  @HttpCode(200)
  @ApiOkResponse({ type: AdjustmentRequestDto })
  public async reject(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AdjustmentDecisionDto,
    @Origin() origin: RequestOrigin,
  ): Promise<AdjustmentRequestDto> {
    return AdjustmentRequestDto.from(await this.adjustments.reject({ user, origin }, id, body.reason));
  }
}
