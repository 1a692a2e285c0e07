import { ApiProperty } from '@nestjs/swagger';

export class StepUpResultDto {
  @ApiProperty({ description: 'Until when the session counts as recently verified' })
  public verifiedUntil!: string;
}
