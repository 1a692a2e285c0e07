import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { GAME_SORTS, type GameSort } from '../game.types';

export class GameQueryDto {
  @ApiPropertyOptional({ example: 'hub88' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/)
  public provider?: string;

  @ApiPropertyOptional({ example: 'slots' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  public category?: string;

  @ApiPropertyOptional({ example: 'new' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  public tag?: string;

  @ApiPropertyOptional({ description: 'Part of the title, case-insensitive' })
  @IsOptional()
  @IsString()
  @Length(2, 100)
  public search?: string;

  @ApiPropertyOptional({ enum: GAME_SORTS, default: 'popularity' })
  @IsOptional()
  @IsIn(GAME_SORTS)
  public sort?: GameSort;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 24 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  public limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  public cursor?: string;
}
