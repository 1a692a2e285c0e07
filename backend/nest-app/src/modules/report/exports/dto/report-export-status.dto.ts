import { REPORT_EXPORT_FORMATS } from '@casino/contracts';
import { ApiProperty } from '@nestjs/swagger';

export class ReportExportDownloadLinkDto {
  @ApiProperty({ description: 'Relative URL with `expires` and `signature`; valid until `expiresAt`, needs no token' })
  public url!: string;

  @ApiProperty({ format: 'date-time' }) public expiresAt!: string;
}

export class ReportExportStatusDto {
  @ApiProperty({ format: 'uuid' }) public id!: string;
  @ApiProperty({ enum: REPORT_EXPORT_FORMATS }) public format!: string;
  @ApiProperty() public description!: string;
  @ApiProperty({ format: 'date-time' }) public createdAt!: string;

  @ApiProperty({
    enum: ['queued', 'running', 'succeeded', 'failed', 'expired'],
    description: '`expired`: the job is no longer kept and there is no file',
  })
  public state!: string;

  @ApiProperty({ type: String, nullable: true, example: '300000', description: 'Rows written, once succeeded' })
  public rows!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '1048576', description: 'File size, once succeeded' })
  public bytes!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'REPORT_EXPORT_QUERY_TIMEOUT' })
  public failureCode!: string | null;

  @ApiProperty({ type: ReportExportDownloadLinkDto, nullable: true })
  public download!: ReportExportDownloadLinkDto | null;
}
