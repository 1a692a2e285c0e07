import { ApiProperty } from '@nestjs/swagger';

export class TotpSetupDto {
  @ApiProperty({ description: 'Base32 secret, for typing into an authenticator app' })
  public secret!: string;

  @ApiProperty({ example: 'otpauth://totp/Casino:player%40example.com?secret=...&issuer=Casino' })
  public otpauthUri!: string;

  @ApiProperty({ description: 'QR code of the otpauth URI, PNG data URL' })
  public qrCodeDataUrl!: string;
}
