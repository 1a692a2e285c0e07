import { ApiProperty } from '@nestjs/swagger';
import { PaymentIntentDto } from './payment-intent.dto';

export class PaymentPageDto {
  @ApiProperty({ type: [PaymentIntentDto] })
  public items!: PaymentIntentDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next (older) page' })
  public nextCursor!: string | null;
}
