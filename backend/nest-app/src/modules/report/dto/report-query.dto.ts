import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';

/**
 * Names are checked against the catalogue by the service (REPORT_MEASURE_UNKNOWN, REPORT_DIMENSION_UNKNOWN...), not
 * here, so that each mistake has its own stable code; this only bounds the shape.
 */
export class ReportDateRangeDto {
  @ApiProperty({ example: '2026-10-01', description: 'First local date (YYYY-MM-DD) in the time zone, inclusive' })
  @IsString()
  @MaxLength(10)
  public from!: string;

  @ApiProperty({ example: '2026-12-31', description: 'Last local date (YYYY-MM-DD), inclusive' })
  @IsString()
  @MaxLength(10)
  public to!: string;
}

export class ReportFilterDto {
  @ApiProperty({ example: 'country' })
  @IsString()
  @MaxLength(64)
  public dimension!: string;

  @ApiProperty({ enum: ['equals', 'in'] })
  @IsIn(['equals', 'in'])
  public operator!: 'equals' | 'in';

  @ApiProperty({ type: [String], example: ['GB'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  public values!: string[];
}

/** What to report, without dates or zone: a scheduled report's query (its period and zone give them). */
export class ReportMeasuresDto {
  @ApiProperty({ type: [String], example: ['ggr', 'turnover'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  public measures!: string[];

  @ApiPropertyOptional({ type: [String], example: ['day', 'currency'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(12)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  public dimensions?: string[];

  @ApiPropertyOptional({ type: [ReportFilterDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(12)
  @ValidateNested({ each: true })
  @Type(() => ReportFilterDto)
  public filters?: ReportFilterDto[];
}

export class ReportQueryDto extends ReportMeasuresDto {
  @ApiProperty({ example: 'Europe/London', description: 'IANA time zone of the dates and time dimensions' })
  @IsString()
  @MaxLength(64)
  public timeZone!: string;

  @ApiProperty({ type: ReportDateRangeDto })
  @ValidateNested()
  @Type(() => ReportDateRangeDto)
  public dateRange!: ReportDateRangeDto;
}

export class NamedReportDto {
  @ApiProperty({ type: ReportDateRangeDto })
  @ValidateNested()
  @Type(() => ReportDateRangeDto)
  public dateRange!: ReportDateRangeDto;
}
