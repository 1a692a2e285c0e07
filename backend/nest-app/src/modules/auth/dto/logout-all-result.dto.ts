import { ApiProperty } from '@nestjs/swagger';

export class LogoutAllResultDto {
  @ApiProperty({ example: 3 })
  public endedSessions!: number;
}
