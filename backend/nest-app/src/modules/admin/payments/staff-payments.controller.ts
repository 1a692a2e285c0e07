import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, PaymentRefunds } from '../../payment';
import { decodeCursor, pageOf } from '../shared/keyset-cursor';
import { PageQueryDto } from '../shared/page-query.dto';
import { RefundRequestDto, StaffPaymentPageDto, StaffPaymentQueryDto, StaffRefundDto } from './staff-payment.dto';
import { StaffPaymentsRepository, type StaffPaymentRow } from './staff-payments.repository';

/** Payments for staff: the filtered list and the withdrawal approval queue (decisions stay in the payment module). */
@ApiTags('admin: payments')
@ApiBearerAuth()
@Controller('admin/payments')
export class StaffPaymentsController {
  public constructor(
    private readonly payments: StaffPaymentsRepository,
    private readonly refunds: PaymentRefunds,
  ) {}

  @Get()
  @RequirePermission('payments.read')
  @ApiOkResponse({ type: StaffPaymentPageDto })
  public async list(@Query() query: StaffPaymentQueryDto): Promise<StaffPaymentPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.payments.list({
      ...query,
      minAmount: query.minAmount === undefined ? undefined : BigInt(query.minAmount),
      maxAmount: query.maxAmount === undefined ? undefined : BigInt(query.maxAmount),
      after: decodeCursor(query.cursor),
      limit,
    });
    return toPage(rows, limit);
  }

  @Get('withdrawals/queue')
  @RequirePermission('payments.read')
  @ApiOkResponse({ type: StaffPaymentPageDto })
  public async queue(@Query() query: PageQueryDto): Promise<StaffPaymentPageDto> {
    const limit = query.limit ?? 50;
    return toPage(await this.payments.approvalQueue(decodeCursor(query.cursor), limit), limit);
  }

  /**
   * Refunds a captured deposit through its PSP, whole or `amount` of it; the wallet is debited once per refund
   * (idempotent per Idempotency-Key, or per deposit for the whole refund asked without one).
   */
  @Post(':id/refund')
  @RequirePermission('payments.refund')
  @HttpCode(200)
  @ApiHeader({ ...IDEMPOTENCY_KEY_HEADER, required: false, description: 'Required with `amount`; a retry reuses it' })
  @ApiOkResponse({ type: StaffRefundDto })
  public async refund(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: RefundRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Origin() origin: RequestOrigin,
  ): Promise<StaffRefundDto> {
    const refund = await this.refunds.refund(
      user,
      id,
      {
        reason: body.reason,
        amount: body.amount === undefined ? undefined : BigInt(body.amount),
        idempotencyKey: idempotencyKey === undefined ? undefined : idempotencyKeyOf(idempotencyKey),
      },
      origin,
    );
    const { idempotencyKey: _key, providerIdempotencyKey: _providerKey, ...shown } = refund;
    return { ...shown, amount: refund.amount.toString(), createdAt: refund.createdAt.toISOString() };
  }
}

function toPage(rows: StaffPaymentRow[], limit: number): StaffPaymentPageDto {
  const page = pageOf(rows, limit, (row) => row.id);
  return { items: page.rows.map(({ cursorAt: _cursor, ...row }) => row), nextCursor: page.nextCursor };
}
