import { parseMinorUnits } from '@casino/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user';
import { BonusWithdrawals } from '../bonus';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { CreateWithdrawalDto } from './dto/create-withdrawal.dto';
import { PaymentIntentDto } from './dto/payment-intent.dto';
import { toPaymentIntentDto } from './dto/payment-intent.mapper';
import { PaymentPageDto } from './dto/payment-page.dto';
import { PaymentQueryDto } from './dto/payment-query.dto';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from './idempotency/idempotency-key';
import { PaymentIdempotency, requestHash } from './idempotency/payment-idempotency';
import { PaymentIntentsService, type NewPayment } from './intents/payment-intents.service';
import type { ProviderName } from './psp/payment-provider';

@ApiTags('payments')
@ApiBearerAuth()
@Controller('payments')
export class PaymentController {
  public constructor(
    private readonly payments: PaymentIntentsService,
    private readonly idempotency: PaymentIdempotency,
    private readonly bonusWithdrawals: BonusWithdrawals,
  ) {}

  @Post('deposits')
  @HttpCode(201)
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiOkResponse({ type: PaymentIntentDto })
  public async deposit(
    @CurrentUser() user: AuthenticatedUser,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: CreatePaymentDto,
  ): Promise<PaymentIntentDto> {
    const hash = requestHash({ operation: 'deposit', ...body });
    const { body: result } = await this.idempotency.run(user.userId, idempotencyKeyOf(key), hash, async (claim) =>
      toPaymentIntentDto(await this.payments.createDeposit(user, { id: claim.resourceId, ...toNewPayment(body) })),
    );
    return result;
  }

  @Post('withdrawals')
  @HttpCode(201)
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiOkResponse({ type: PaymentIntentDto })
  public async withdraw(
    @CurrentUser() user: AuthenticatedUser,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: CreateWithdrawalDto,
  ): Promise<PaymentIntentDto> {
    const forfeitActiveBonus = body.forfeitActiveBonus === true;
    // Asked before the key is claimed, so that the confirmed request may reuse the Idempotency-Key.
    await this.bonusWithdrawals.assertConfirmed(user.userId, body.currency, forfeitActiveBonus);
    const hash = requestHash({ operation: 'withdrawal', ...toPaymentBody(body) });
    const { body: result } = await this.idempotency.run(user.userId, idempotencyKeyOf(key), hash, async (claim) =>
      toPaymentIntentDto(
        await this.payments.createWithdrawal(
          user,
          { id: claim.resourceId, ...toNewPayment(body) },
          { forfeitActiveBonus },
        ),
      ),
    );
    return result;
  }

  @Get()
  @ApiOkResponse({ type: PaymentPageDto })
  public async history(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: PaymentQueryDto,
  ): Promise<PaymentPageDto> {
    const page = await this.payments.history(user.userId, query.limit ?? 20, query.cursor);
    return { items: page.items.map(toPaymentIntentDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiOkResponse({ type: PaymentIntentDto })
  public async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<PaymentIntentDto> {
    return toPaymentIntentDto(await this.payments.get(user.userId, id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: PaymentIntentDto })
  public async cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<PaymentIntentDto> {
    return toPaymentIntentDto(await this.payments.cancel(user.userId, id));
  }
}

/** The payment itself (the bonus confirmation is not part of what a retry must repeat). */
function toPaymentBody(body: CreateWithdrawalDto): CreatePaymentDto {
  const { forfeitActiveBonus: _confirmation, ...payment } = body;
  return payment;
}

function toNewPayment(body: CreatePaymentDto): NewPayment {
  return {
    amount: parseMinorUnits(body.amount),
    currency: body.currency,
    provider: body.provider as ProviderName,
    method: body.method ?? null,
  };
}
