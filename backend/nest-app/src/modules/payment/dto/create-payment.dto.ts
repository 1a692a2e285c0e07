import { CURRENCY_MINOR_DIGITS, PAYMENT_METHODS, type PaymentMethod } from '@casino/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { PROVIDER_NAMES } from '../psp/payment-provider';

/** `POST /payments/deposits` and `/payments/withdrawals`. */
export class CreatePaymentDto {
  @ApiProperty({ example: '2500', description: 'Integer minor units as a string, 1 to 99999999 (25.00 EUR is "2500")' })
  @IsString()
  @Matches(/^[1-9]\d{0,7}$/, { message: 'amount must be a string of 1 to 99999999 minor units' })
  public amount!: string;

  @ApiProperty({ example: 'EUR', enum: Object.keys(CURRENCY_MINOR_DIGITS) })
  @IsIn(Object.keys(CURRENCY_MINOR_DIGITS))
  public currency!: string;

  @ApiProperty({ enum: PROVIDER_NAMES })
  @IsIn(PROVIDER_NAMES)
  public provider!: string;

  @ApiPropertyOptional({ enum: PAYMENT_METHODS, description: 'How the payer pays or is paid; reports split by it' })
  @IsOptional()
  @IsIn(PAYMENT_METHODS)
  public method?: PaymentMethod;
}
