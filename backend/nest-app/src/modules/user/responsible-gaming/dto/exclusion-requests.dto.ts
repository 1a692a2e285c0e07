import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const SELF_EXCLUSION_PERIODS = ['6m', '1y', '5y', 'permanent'] as const;
export type SelfExclusionPeriod = (typeof SELF_EXCLUSION_PERIODS)[number];

/** POST /users/me/responsible-gaming/time-out: 24 hours to 6 weeks, immediate, irrevocable by the player. */
export class TimeOutDto {
  @ApiProperty({ minimum: 24, maximum: 1008, example: 72 })
  @IsInt()
  @Min(24)
  @Max(1008)
  public hours!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 500)
  public reason?: string;
}

/** POST /users/me/responsible-gaming/self-exclusion: immediate, irrevocable by the player. */
export class SelfExclusionDto {
  @ApiProperty({ enum: SELF_EXCLUSION_PERIODS })
  @IsIn(SELF_EXCLUSION_PERIODS)
  public period!: SelfExclusionPeriod;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 500)
  public reason?: string;
}
