import { Controller, Get, Param, ParseUUIDPipe, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Readable } from 'node:stream';
import { CurrentUser, Public } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { ReportExportDownloadQueryDto } from './dto/report-export-download-query.dto';
import { ReportExportStatusDto } from './dto/report-export-status.dto';
import { ReportExportsService } from './report-exports.service';

/** An export's status (its requester only) and its file behind a signed, expiring link. */
@ApiTags('reports: exports')
@Controller('reports/exports')
export class ReportExportsController {
  public constructor(private readonly exports: ReportExportsService) {}

  @Get(':id')
  @ApiBearerAuth()
  @RequirePermission('reports.export')
  @ApiOkResponse({ type: ReportExportStatusDto })
  public async status(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ReportExportStatusDto> {
    const status = await this.exports.status(id, user);
    return {
      ...status,
      createdAt: status.createdAt.toISOString(),
      download: status.download && { url: status.download.url, expiresAt: status.download.expiresAt.toISOString() },
    };
  }

  /** Public: the signature is the credential (403 REPORT_EXPORT_LINK_INVALID / REPORT_EXPORT_LINK_EXPIRED). */
  @Get(':id/download')
  @Public()
  @ApiProduces(
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.apache.parquet',
  )
  @ApiOkResponse({ description: 'The export file', schema: { type: 'string', format: 'binary' } })
  public async download(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ReportExportDownloadQueryDto,
    @Origin() origin: RequestOrigin,
  ): Promise<StreamableFile> {
    const file = await this.exports.download(id, query.expires, query.signature, origin);
    return new StreamableFile(file.stream as Readable, {
      type: file.contentType,
      length: file.bytes,
      disposition: `attachment; filename="${file.fileName}"`,
    });
  }
}
