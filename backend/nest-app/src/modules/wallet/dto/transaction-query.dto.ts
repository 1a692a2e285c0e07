import { WALLET_TRANSACTION_TYPES, type WalletTransactionType } from '@casino/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsArray, IsDate, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

/** `GET /wallets/me/transactions`: newest first, filtered by type and date, paged by cursor. */
export class TransactionQueryDto {
  @ApiPropertyOptional({ enum: WALLET_TRANSACTION_TYPES, isArray: true, description: 'One or more, comma-separated' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : value,
  )
  @IsArray()
  @IsIn(WALLET_TRANSACTION_TYPES, { each: true })
  public type?: WalletTransactionType[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Inclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  public from?: Date;

  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  public to?: Date;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsUUID()
  public cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  public limit?: number;
}
