import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class PhoneDto {
  @ApiProperty({ example: '+4915112345678', description: 'E.164' })
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be in E.164 format' })
  public phone!: string;
}
