import { DomainError } from '@casino/contracts';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser } from '../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user';
import { RequirePermission } from '../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../common/http/request-origin';
import { ReportExportAcceptedDto, ReportExportRequestDto } from './dto/report-export-request.dto';
import { NamedReportDto, ReportQueryDto } from './dto/report-query.dto';
import { ReportCatalogueDto, ReportResultDto } from './dto/report-result.dto';
import { ReportingService } from './reporting.service';

/** Reports over ClickHouse for finance, compliance and admin (docs/reports.md); every query is audited. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportController {
  public constructor(private readonly reporting: ReportingService) {}

  @Get('catalogue')
  @RequirePermission('reports.read')
  @ApiOperation({ summary: 'Measures, dimensions and named reports' })
  @ApiOkResponse({ type: ReportCatalogueDto })
  public catalogue(): ReportCatalogueDto {
    return this.reporting.catalogue();
  }

  @Post('query')
  @RequirePermission('reports.read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Runs a query of measures by dimensions over a date range' })
  @ApiOkResponse({ type: ReportResultDto })
  public query(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: ReportQueryDto,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    return json(reply, this.reporting.queryJson({ user, origin }, body));
  }

  @Post('named/:name')
  @RequirePermission('reports.read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Runs a named report of the catalogue (such as ukgc_quarterly_return) over a date range' })
  @ApiOkResponse({ type: ReportResultDto })
  public named(
    @CurrentUser() user: AuthenticatedUser,
    @Param('name') name: string,
    @Body() body: NamedReportDto,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    return json(reply, this.reporting.reportJson({ user, origin }, name, body.dateRange));
  }

  @Post('exports')
  @RequirePermission('reports.export')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queues an export (csv, xlsx, parquet) of a query or a named report; GET its status' })
  @ApiAcceptedResponse({ type: ReportExportAcceptedDto })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key is answered with the same export, queued once',
  })
  public async export(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: ReportExportRequestDto,
    @Origin() origin: RequestOrigin,
    @Headers('idempotency-key') key: string | undefined,
  ): Promise<ReportExportAcceptedDto> {
    if (key !== undefined && (key.length === 0 || key.length > 200)) {
      throw new DomainError('VALIDATION_FAILED', 'The Idempotency-Key header has 1 to 200 characters');
    }
    const id = await this.reporting.export({ user, origin }, body, key);
    return { id, state: 'queued', status: `/api/v1/reports/exports/${id}` };
  }
}

/** A `ReportResultDto` already as JSON bytes (a cached one as Redis holds them): Fastify sends a Buffer as it is. */
async function json(reply: FastifyReply, body: Promise<Buffer>): Promise<Buffer> {
  const bytes = await body;
  reply.type('application/json; charset=utf-8');
  return bytes;
}
