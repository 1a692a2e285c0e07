import { ApiProperty } from '@nestjs/swagger';
import type { WalletView } from '../wallet.service';

/** One wallet's balances; amounts are integer minor units as decimal strings. */
export class WalletBalanceDto {
  @ApiProperty({ format: 'uuid' })
  public walletId!: string;

  @ApiProperty({ example: 'EUR' })
  public currency!: string;

  @ApiProperty({ example: '1050', description: 'Cash, not counting held funds' })
  public cash!: string;

  @ApiProperty({ example: '0' })
  public bonus!: string;

  @ApiProperty({ example: '0', description: 'Held for pending withdrawals' })
  public held!: string;

  @ApiProperty({ example: '1050', description: 'What can be staked now: cash + bonus' })
  public available!: string;

  public static from(view: WalletView): WalletBalanceDto {
    const dto = new WalletBalanceDto();
    dto.walletId = view.walletId;
    dto.currency = view.balances.currency;
    dto.cash = view.balances.cash.toString();
    dto.bonus = view.balances.bonus.toString();
    dto.held = view.balances.held.toString();
    dto.available = view.balances.available.toString();
    return dto;
  }
}

export class MyWalletsDto {
  @ApiProperty({ type: [WalletBalanceDto] })
  public wallets!: WalletBalanceDto[];
}

export class StaffWalletDto extends WalletBalanceDto {
  @ApiProperty({ format: 'uuid' })
  public userId!: string;

  public static fromView(view: WalletView): StaffWalletDto {
    return Object.assign(new StaffWalletDto(), WalletBalanceDto.from(view), { userId: view.userId });
  }
}
