import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** A malformed or missing value is a forged link (403 REPORT_EXPORT_LINK_INVALID), not a validation error. */
export class ReportExportDownloadQueryDto {
  @ApiPropertyOptional({ example: '1796650000', description: 'Unix seconds' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  public expires?: string;

  @ApiPropertyOptional({ description: 'HMAC-SHA256, base64url' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  public signature?: string;
}
