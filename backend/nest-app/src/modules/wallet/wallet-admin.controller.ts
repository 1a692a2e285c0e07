import { DomainError, parseMinorUnits } from '@casino/contracts';
import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user';
import { Origin, type RequestOrigin } from '../../common/http/request-origin';
import { AppConfig } from '../../config/app-config';
import { balancesToJson } from './ledger/ledger-events';
import { AdjustmentResultDto, CreateAdjustmentDto } from './dto/create-adjustment.dto';
import { StaffWalletDto } from './dto/wallet-balance.dto';
import { requireIdempotencyKey } from './wallet.http';
import { WalletService } from './wallet.service';
import { RequirePermission } from '../../common/auth/staff-permissions';

/** Back-office view and correction of any wallet. */
@ApiTags('wallets (staff)')
@ApiBearerAuth()
@Controller('wallets')
export class WalletAdminController {
  public constructor(
    private readonly wallets: WalletService,
    private readonly config: AppConfig,
  ) {}

  @Get(':walletId')
  @RequirePermission('wallets.read')
  @ApiOkResponse({ type: StaffWalletDto })
  public async wallet(@Param('walletId', ParseUUIDPipe) walletId: string): Promise<StaffWalletDto> {
    return StaffWalletDto.fromView(await this.wallets.wallet(walletId));
  }

  @Post(':walletId/adjustments')
  @RequirePermission('adjustments.request')
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Unique per adjustment; a retry reuses it' })
  @ApiCreatedResponse({ type: AdjustmentResultDto })
  public async adjust(
    @CurrentUser() user: AuthenticatedUser,
    @Param('walletId', ParseUUIDPipe) walletId: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: CreateAdjustmentDto,
    @Origin() origin: RequestOrigin,
  ): Promise<AdjustmentResultDto> {
    const amount = parseMinorUnits(body.amount);
    if ((amount < 0n ? -amount : amount) > this.config.adjustmentApprovalThreshold) {
      throw new DomainError(
        'ADJUSTMENT_APPROVAL_REQUIRED',
        'This amount needs a second staff member: POST /admin/adjustments',
        {
          threshold: this.config.ADJUSTMENT_APPROVAL_THRESHOLD,
        },
      );
    }
    const wallet = await this.wallets.wallet(walletId);
    const result = await this.wallets.adjust({
      wallet: { walletId },
      currency: wallet.balances.currency,
      amount,
      reason: body.reason,
      balance: body.balance,
      idempotency: { scope: `staff:${user.userId}`, key: requireIdempotencyKey(idempotencyKey) },
      actor: { userId: user.userId, roles: user.roles, requestId: origin.requestId, ip: origin.ip },
    });
    return {
      transactionId: result.transactionId,
      walletId: result.walletId,
      replayed: result.replayed,
      balances: balancesToJson(result.balances),
    };
  }
}
