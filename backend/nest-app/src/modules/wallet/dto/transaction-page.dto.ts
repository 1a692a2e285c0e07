import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { TransactionRow } from '../wallet.repository';

export class WalletTransactionDto {
  @ApiProperty({ format: 'uuid' })
  public id!: string;

  @ApiProperty({ format: 'uuid' })
  public walletId!: string;

  @ApiProperty({ example: 'bet' })
  public type!: string;

  @ApiProperty({ example: '250', description: 'Integer minor units; signs are in the entries, this is the size' })
  public amount!: string;

  @ApiProperty({ example: 'EUR' })
  public currency!: string;

  @ApiProperty({ format: 'date-time' })
  public createdAt!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  public reversesTransactionId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  public holdId?: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  public metadata!: Record<string, string>;

  public static from(row: TransactionRow): WalletTransactionDto {
    return Object.assign(new WalletTransactionDto(), {
      id: row.id,
      walletId: row.walletId,
      type: row.type,
      amount: row.amount.toString(),
      currency: row.currency,
      createdAt: row.createdAt.toISOString(),
      ...(row.reversesTransactionId ? { reversesTransactionId: row.reversesTransactionId } : {}),
      ...(row.holdId ? { holdId: row.holdId } : {}),
      metadata: row.metadata,
    });
  }
}

export class TransactionPageDto {
  @ApiProperty({ type: [WalletTransactionDto] })
  public items!: WalletTransactionDto[];

  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last page' })
  public nextCursor?: string;
}
