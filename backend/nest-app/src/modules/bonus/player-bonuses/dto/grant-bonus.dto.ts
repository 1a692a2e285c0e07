import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Length } from 'class-validator';

/** `POST /bonus/grants` (staff): a no-deposit bonus from a template to one player, with the reason. */
export class GrantBonusDto {
  @ApiProperty() @IsUUID() public templateId!: string;
  @ApiProperty() @IsUUID() public userId!: string;
  @ApiProperty({ example: 'Goodwill after the outage of 12 November' })
  @IsString()
  @Length(3, 500)
  public reason!: string;
}
