import { ApiProperty } from '@nestjs/swagger';

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'Ten single-use codes, shown only this once' })
  public recoveryCodes!: string[];
}
