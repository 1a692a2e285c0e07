import { ApiProperty } from '@nestjs/swagger';

/** The same answer whether or not the address is known. */
export class EmailStartResultDto {
  @ApiProperty({ example: 600, description: 'Seconds the code stays valid' })
  public expiresIn!: number;

  @ApiProperty({ example: 60, description: 'Seconds before another code may be asked for' })
  public resendAfter!: number;
}
