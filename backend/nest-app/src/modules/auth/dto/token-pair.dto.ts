import { ApiProperty } from '@nestjs/swagger';

export class TokenPairDto {
  @ApiProperty()
  public accessToken!: string;

  @ApiProperty()
  public refreshToken!: string;

  @ApiProperty({ example: 900 })
  public expiresIn!: number;
}
