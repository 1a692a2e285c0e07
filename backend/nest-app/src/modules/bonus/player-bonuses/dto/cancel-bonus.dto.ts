import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** `POST /bonus/player-bonuses/:id/cancel` (staff): why the bonus is withdrawn (kept in the audit log). */
export class CancelBonusDto {
  @ApiProperty({ example: 'Granted to the wrong player' })
  @IsString()
  @Length(3, 500)
  public reason!: string;
}
