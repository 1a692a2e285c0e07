import { ApiProperty } from '@nestjs/swagger';

export class TwoFactorStatusDto {
  @ApiProperty()
  public totpEnabled!: boolean;

  @ApiProperty()
  public smsEnabled!: boolean;

  @ApiProperty({ nullable: true, type: String, example: '+49151*****78' })
  public smsPhone!: string | null;

  @ApiProperty()
  public recoveryCodesLeft!: number;
}
