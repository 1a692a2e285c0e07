import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Length, Matches } from 'class-validator';

export class ReasonDto {
  @ApiProperty({ example: 'Chargeback fraud, ticket 4711' })
  @IsString()
  @Length(3, 500)
  public reason!: string;
}

export class StaffNoteDto {
  @ApiProperty({ example: 'Called the player about their limits' })
  @IsString()
  @Length(1, 2000)
  public text!: string;
}

export class PlayerTagsDto {
  @ApiProperty({ type: [String], example: ['vip', 'bonus-abuse-watch'] })
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/, { each: true })
  public tags!: string[];

  @ApiProperty()
  @IsString()
  @Length(3, 500)
  public reason!: string;
}
