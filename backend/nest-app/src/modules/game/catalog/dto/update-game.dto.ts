import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { VOLATILITIES, type Volatility } from '../game.types';

/** Staff edit of a game; only the fields given change. */
export class UpdateGameDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  public title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 50)
  public category?: string;

  @ApiPropertyOptional({ example: '96.50' })
  @IsOptional()
  @Matches(/^(100(\.00?)?|\d{1,2}(\.\d{1,2})?)$/)
  public rtp?: string;

  @ApiPropertyOptional({ enum: VOLATILITIES })
  @IsOptional()
  @IsIn(VOLATILITIES)
  public volatility?: Volatility;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  public features?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public thumbnailUrl?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  public tags?: string[];

  @ApiPropertyOptional({ type: [String], example: ['US', 'FR'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(250)
  @Matches(/^[A-Z]{2}$/, { each: true })
  public blockedCountries?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  public demoAvailable?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  public enabled?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  public popularity?: number;
}
