import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** Staff end every session of a player (e.g. a suspected account takeover). */
export class RevokeSessionsDto {
  @ApiProperty({ description: 'Why; kept in the audit log', minLength: 3, maxLength: 500 })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  public reason!: string;
}
