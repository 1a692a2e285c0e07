import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user';
import { Origin, type RequestOrigin } from '../../common/http/request-origin';
import { PaymentIntentDto } from './dto/payment-intent.dto';
import { toPaymentIntentDto } from './dto/payment-intent.mapper';
import { ResolvePaymentDto } from './dto/resolve-payment.dto';
import { WithdrawalDecisionDto } from './dto/withdrawal-decision.dto';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from './idempotency/idempotency-key';
import { PaymentIdempotency, requestHash } from './idempotency/payment-idempotency';
import { PaymentPayouts } from './intents/payment-payouts';
import { PaymentResolution } from './intents/payment-resolution';
import { RequirePermission } from '../../common/auth/staff-permissions';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/payments')
export class PaymentAdminController {
  public constructor(
    private readonly payouts: PaymentPayouts,
    private readonly resolution: PaymentResolution,
    private readonly idempotency: PaymentIdempotency,
  ) {}

  /** Approves (the payout is sent) or rejects (the hold is released) a withdrawal above the threshold; audited. */
  @Post('withdrawals/:id/decision')
  @RequirePermission('payments.decide')
  @HttpCode(200)
  @ApiOkResponse({ type: PaymentIntentDto })
  public async decide(
    @CurrentUser() staff: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: WithdrawalDecisionDto,
    @Origin() origin: RequestOrigin,
  ): Promise<PaymentIntentDto> {
    return toPaymentIntentDto(await this.payouts.decide(staff, id, body, origin));
  }

  /**
   * Closes a payment left `processing` here that the PSP, asked again, ended without success (canceled, failed); a
   * withdrawal's hold is released. Refused, changing nothing, when the PSP says it succeeded, has not ended it, has
   * no record of it or does not answer. Audited.
   */
  @Post(':id/resolve')
  @RequirePermission('payments.resolve')
  @HttpCode(200)
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiOkResponse({ type: PaymentIntentDto })
  public async resolve(
    @CurrentUser() staff: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: ResolvePaymentDto,
    @Origin() origin: RequestOrigin,
  ): Promise<PaymentIntentDto> {
    const hash = requestHash({ operation: 'staff_resolution', intentId: id, reason: body.reason });
    const resolution = { staff, reason: body.reason, origin };
    const { body: result } = await this.idempotency.run(staff.userId, idempotencyKeyOf(key), hash, async () =>
      toPaymentIntentDto(await this.resolution.resolve(id, resolution)),
    );
    return result;
  }
}
