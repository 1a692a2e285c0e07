import { ApiProperty } from '@nestjs/swagger';

export class CodeSentDto {
  @ApiProperty({ enum: ['email', 'sms'] })
  public channel!: 'email' | 'sms';

  @ApiProperty({ description: 'Seconds the code stays valid' })
  public expiresInSeconds!: number;
}
