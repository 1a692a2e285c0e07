import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

/** Provider secrets; accepted on write, never returned. */
export class ProviderCredentialsDto {
  @ApiPropertyOptional({ description: "The provider's public key (PEM, SPKI) that verifies its wallet calls" })
  @IsOptional()
  @Matches(/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/)
  public publicKeyPem?: string;

  @ApiPropertyOptional({ description: 'Our private key (PEM) that signs our calls to the provider' })
  @IsOptional()
  @Matches(/^-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----\s*$/)
  public operatorPrivateKeyPem?: string;

  @ApiPropertyOptional({ example: '1' })
  @IsOptional()
  @Matches(/^[0-9]{1,12}$/)
  public operatorId?: string;

  @ApiPropertyOptional({ description: 'Shared HMAC-SHA256 secret (action-batch protocol)' })
  @IsOptional()
  @IsString()
  @Length(16, 256)
  public hmacSecret?: string;
}
