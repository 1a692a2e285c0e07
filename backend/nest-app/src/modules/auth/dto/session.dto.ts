import { ApiProperty } from '@nestjs/swagger';

export class SessionDto {
  @ApiProperty({ description: 'The session id (the access token`s sid claim)' })
  public id!: string;

  @ApiProperty({ example: 'email' })
  public method!: string;

  @ApiProperty({ description: 'User agent at sign-in' })
  public device!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '203.0.113.7',
    description: 'Null when sign-in gave no valid IP',
  })
  public ip!: string | null;

  @ApiProperty()
  public createdAt!: string;

  @ApiProperty()
  public lastSeenAt!: string;

  @ApiProperty({ description: 'This is the session of the calling access token' })
  public current!: boolean;
}
