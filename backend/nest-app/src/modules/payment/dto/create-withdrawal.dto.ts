import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreatePaymentDto } from './create-payment.dto';

/** `POST /payments/withdrawals`: a payment, and the player's answer to "this forfeits your active bonus". */
export class CreateWithdrawalDto extends CreatePaymentDto {
  @ApiPropertyOptional({
    description:
      'true: forfeit the active bonus (its whole bonus balance) to withdraw; without it, a withdrawal while a bonus is ' +
      'active is 409 BONUS_FORFEIT_CONFIRMATION_REQUIRED with the bonus in details',
  })
  @IsOptional()
  @IsBoolean()
  public forfeitActiveBonus?: boolean;
}
