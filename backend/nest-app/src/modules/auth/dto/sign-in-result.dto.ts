import { ApiPropertyOptional } from '@nestjs/swagger';

/** Either the token pair, or (2FA on) `{ mfaRequired: true, mfaToken }` to finish at `POST /auth/2fa/verify`. */
export class SignInResultDto {
  @ApiPropertyOptional({ description: 'JWT access token (Bearer)' })
  public accessToken?: string;

  @ApiPropertyOptional({ description: 'Opaque refresh token; single use' })
  public refreshToken?: string;

  @ApiPropertyOptional({ example: 900, description: 'Seconds until the access token expires' })
  public expiresIn?: number;

  @ApiPropertyOptional({ example: true })
  public mfaRequired?: boolean;

  @ApiPropertyOptional({ description: 'Challenge token for POST /api/v1/auth/2fa/verify (5 minutes, 5 tries)' })
  public mfaToken?: string;
}
