import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** A second-factor code: TOTP or SMS (6 digits), or a recovery code where accepted. */
export class CodeDto {
  @ApiProperty({ example: '123456' })
  @IsString()
  @Length(6, 32)
  public code!: string;
}
