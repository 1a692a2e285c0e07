import { REPORT_EXPORT_FORMATS, type ReportExportFormat } from '@casino/contracts';
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
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ReportFilterDto } from '../../dto/report-query.dto';
import { SCHEDULE_PERIODS, type SchedulePeriod } from '../report-schedule-period';

/** A query without dates or zone: the schedule's period and zone give them at each run. */
export class ScheduledQueryDto {
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

export class CreateReportScheduleDto {
  @ApiProperty({ example: 'Daily GGR by game' })
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  public name!: string;

  @ApiProperty({ example: '0 7 * * *', description: 'Five-field cron in `timeZone`, at most hourly' })
  @IsString()
  @MaxLength(100)
  public cron!: string;

  @ApiProperty({ example: 'Europe/London', description: "IANA zone of the cron and of the query's days" })
  @IsString()
  @MaxLength(64)
  public timeZone!: string;

  @ApiProperty({ enum: SCHEDULE_PERIODS, description: 'The closed period before each run that it reports' })
  @IsIn(SCHEDULE_PERIODS)
  public period!: SchedulePeriod;

  @ApiPropertyOptional({ type: ScheduledQueryDto, description: 'An ad-hoc query (or `report`)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScheduledQueryDto)
  public query?: ScheduledQueryDto;

  @ApiPropertyOptional({ example: 'ukgc_quarterly_return', description: 'A named report (or `query`)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  public report?: string;

  @ApiProperty({ enum: REPORT_EXPORT_FORMATS })
  @IsIn(REPORT_EXPORT_FORMATS)
  public format!: ReportExportFormat;

  @ApiProperty({
    type: [String],
    example: ['finance@example.test'],
    description: 'REPORT_SCHEDULE_RECIPIENT_DOMAINS only',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(254, { each: true })
  public recipients!: string[];
}

export class ReportScheduleDto {
  @ApiProperty({ format: 'uuid' }) public id!: string;
  @ApiProperty() public name!: string;
  @ApiProperty({ format: 'uuid' }) public createdBy!: string;
  @ApiProperty() public cron!: string;
  @ApiProperty() public timeZone!: string;
  @ApiProperty({ enum: SCHEDULE_PERIODS }) public period!: string;
  @ApiPropertyOptional({ type: ScheduledQueryDto }) public query?: ScheduledQueryDto;
  @ApiPropertyOptional() public report?: string;
  @ApiProperty({ enum: REPORT_EXPORT_FORMATS }) public format!: string;
  @ApiProperty({ type: [String] }) public recipients!: string[];
  @ApiProperty() public paused!: boolean;
  @ApiProperty({ format: 'date-time' }) public createdAt!: string;
  @ApiProperty({ format: 'date-time' }) public updatedAt!: string;
}

export class ReportScheduleListDto {
  @ApiProperty({ type: [ReportScheduleDto] }) public items!: ReportScheduleDto[];
}
