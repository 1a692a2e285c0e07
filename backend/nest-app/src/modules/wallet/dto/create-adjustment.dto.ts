import { isMinorUnitsString } from '@casino/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, ValidateBy } from 'class-validator';

/** `POST /wallets/:walletId/adjustments`: a signed amount in minor units and why. */
export class CreateAdjustmentDto {
  @ApiProperty({ example: '-500', description: 'Signed integer minor units: positive credits, negative debits' })
  @ValidateBy({
    name: 'signedMinorUnits',
    validator: {
      validate: (value: unknown): boolean => isMinorUnitsString(value) && value !== '0',
      defaultMessage: (): string => 'amount must be a non-zero string of integer minor units',
    },
  })
  public amount!: string;

  @ApiProperty({ example: 'Goodwill for the outage of 3 March' })
  @IsString()
  @Length(1, 500)
  public reason!: string;

  @ApiPropertyOptional({ enum: ['cash', 'bonus'], default: 'cash' })
  @IsOptional()
  @IsIn(['cash', 'bonus'])
  public balance?: 'cash' | 'bonus';
}

export class BalancesDto {
  @ApiProperty({ example: '1050' })
  public cash!: string;

  @ApiProperty({ example: '0' })
  public bonus!: string;

  @ApiProperty({ example: '0' })
  public held!: string;

  @ApiProperty({ example: '1050' })
  public available!: string;

  @ApiProperty({ example: 'EUR' })
  public currency!: string;
}

export class AdjustmentResultDto {
  @ApiProperty({ format: 'uuid' })
  public transactionId!: string;

  @ApiProperty({ format: 'uuid' })
  public walletId!: string;

  @ApiProperty({ description: 'True when this answers an earlier request with the same Idempotency-Key' })
  public replayed!: boolean;

  @ApiProperty({ type: BalancesDto })
  public balances!: BalancesDto;
}
