import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user';
import { TransactionPageDto, WalletTransactionDto } from './dto/transaction-page.dto';
import { TransactionQueryDto } from './dto/transaction-query.dto';
import { MyWalletsDto, WalletBalanceDto } from './dto/wallet-balance.dto';
import { WalletService } from './wallet.service';

const DEFAULT_PAGE_SIZE = 20;

/** The signed-in player's own wallets. */
@ApiTags('wallets')
@ApiBearerAuth()
@Controller('wallets/me')
export class WalletController {
  public constructor(private readonly wallets: WalletService) {}

  @Get()
  @ApiOkResponse({ type: MyWalletsDto })
  public async myWallets(@CurrentUser() user: AuthenticatedUser): Promise<MyWalletsDto> {
    const views = await this.wallets.walletsOfUser(user.userId);
    return { wallets: views.map((view) => WalletBalanceDto.from(view)) };
  }

  @Get('transactions')
  @ApiOkResponse({ type: TransactionPageDto })
  public async myTransactions(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: TransactionQueryDto,
  ): Promise<TransactionPageDto> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const walletIds = (await this.wallets.walletsOfUser(user.userId)).map((view) => view.walletId);
    const rows = await this.wallets.listTransactions({
      walletIds,
      types: query.type,
      from: query.from,
      to: query.to,
      afterId: query.cursor,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit).map((row) => WalletTransactionDto.from(row));
    const last = items[items.length - 1];
    return { items, ...(rows.length > limit && last ? { nextCursor: last.id } : {}) };
  }
}
