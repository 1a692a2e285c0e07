import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class MfaVerifyDto {
  @ApiProperty()
  @IsString()
  @Length(20, 128)
  public mfaToken!: string;

  @ApiProperty({ description: 'TOTP code, SMS code (6 digits) or a recovery code (xxxxx-xxxxx)', example: '123456' })
  @IsString()
  @Length(6, 32)
  public code!: string;
}
