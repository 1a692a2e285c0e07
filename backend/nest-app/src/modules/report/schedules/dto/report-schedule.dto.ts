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
import { ReportMeasuresDto } from '../../dto/report-query.dto';
import { SCHEDULE_PERIODS, type SchedulePeriod } from '../report-schedule-period';

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

  @ApiPropertyOptional({ type: ReportMeasuresDto, description: 'An ad-hoc query (or `report`)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReportMeasuresDto)
  public query?: ReportMeasuresDto;

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
  @ApiPropertyOptional({ type: ReportMeasuresDto }) public query?: ReportMeasuresDto;
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
