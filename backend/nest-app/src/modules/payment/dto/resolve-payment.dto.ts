import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** Staff close a payment left open here after the PSP ended it without success (PaymentResolution). */
export class ResolvePaymentDto {
  @ApiProperty({ description: 'Why, after checking the PSP; kept in the audit log', minLength: 3, maxLength: 500 })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  public reason!: string;
}
