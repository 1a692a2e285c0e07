import { REPORT_EXPORT_FORMATS, type ReportExportFormat } from '@casino/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ReportDateRangeDto, ReportQueryDto } from './report-query.dto';

/** An export of an ad-hoc query (`query`) or of a named report over a date range (`report` + `dateRange`). */
export class ReportExportRequestDto {
  @ApiProperty({ enum: REPORT_EXPORT_FORMATS })
  @IsIn(REPORT_EXPORT_FORMATS)
  public format!: ReportExportFormat;

  @ApiPropertyOptional({ type: ReportQueryDto, description: 'The query, as for POST /reports/query' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReportQueryDto)
  public query?: ReportQueryDto;

  @ApiPropertyOptional({ example: 'ukgc_quarterly_return', description: 'A named report of the catalogue' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  public report?: string;

  @ApiPropertyOptional({ type: ReportDateRangeDto, description: "The named report's dates" })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReportDateRangeDto)
  public dateRange?: ReportDateRangeDto;
}

export class ReportExportAcceptedDto {
  @ApiProperty({ format: 'uuid' }) public id!: string;
  @ApiProperty({ enum: ['queued'] }) public state!: 'queued';
  @ApiProperty({ example: '/api/v1/reports/exports/7c3e...', description: 'GET it for the state and the link' })
  public status!: string;
}
