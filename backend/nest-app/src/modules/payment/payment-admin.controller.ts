import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, Roles } from '../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user';
import { originOf } from '../user/request-origin';
import { PaymentIntentDto } from './dto/payment-intent.dto';
import { toPaymentIntentDto } from './dto/payment-intent.mapper';
import { WithdrawalDecisionDto } from './dto/withdrawal-decision.dto';
import { PaymentPayouts } from './intents/payment-payouts';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('finance')
@Controller('admin/payments/withdrawals')
export class PaymentAdminController {
  public constructor(private readonly payouts: PaymentPayouts) {}

  /** Approves (the payout is sent) or rejects (the hold is released) a withdrawal above the threshold; audited. */
  @Post(':id/decision')
  @HttpCode(200)
  @ApiOkResponse({ type: PaymentIntentDto })
  public async decide(
    @CurrentUser() staff: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: WithdrawalDecisionDto,
    @Req() request: FastifyRequest,
  ): Promise<PaymentIntentDto> {
    return toPaymentIntentDto(await this.payouts.decide(staff, id, body, originOf(request)));
  }
}
