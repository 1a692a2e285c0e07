import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class MfaTokenDto {
  @ApiProperty()
  @IsString()
  @Length(20, 128)
  public mfaToken!: string;
}
