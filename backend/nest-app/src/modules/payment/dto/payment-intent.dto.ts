import { PAYMENT_INTENT_STATUSES } from '@casino/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NextAction } from '../psp/payment-provider';

export class PaymentIntentDto {
  @ApiProperty({ format: 'uuid' })
  public id!: string;

  @ApiProperty({ enum: ['deposit', 'withdrawal'] })
  public kind!: string;

  @ApiProperty({ enum: ['stripe', 'sandbox'] })
  public provider!: string;

  @ApiProperty({ example: '2500', description: 'Integer minor units as a string' })
  public amount!: string;

  @ApiProperty({ example: 'EUR' })
  public currency!: string;

  @ApiProperty({ enum: PAYMENT_INTENT_STATUSES })
  public status!: string;

  @ApiPropertyOptional({
    nullable: true,
    description:
      'What the client does next: `redirect` to the hosted page, `use_stripe_sdk` with the client secret, or `staff_approval`',
    example: { type: 'redirect', url: 'http://127.0.0.1:4010/pay/pi_123' },
  })
  public nextAction!: NextAction | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  public failureCode!: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  public failureMessage!: string | null;

  @ApiProperty({ description: 'A withdrawal above the approval threshold waits for finance' })
  public approvalRequired!: boolean;

  @ApiProperty()
  public createdAt!: string;

  @ApiProperty()
  public updatedAt!: string;
}
