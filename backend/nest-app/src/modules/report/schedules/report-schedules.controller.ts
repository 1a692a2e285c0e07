import { DomainError } from '@casino/contracts';
import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { CreateReportScheduleDto, ReportScheduleDto, ReportScheduleListDto } from './dto/report-schedule.dto';
import type { ScheduleDefinition } from './report-schedule.types';
import type { ReportSchedule } from './report-schedule.types';
import { ReportSchedulesService } from './report-schedules.service';

/** Scheduled reports (docs/reports.md "Schedules"): create, list, pause, resume, delete; every change audited. */
@ApiTags('reports: schedules')
@ApiBearerAuth()
@Controller('reports/schedules')
export class ReportSchedulesController {
  public constructor(private readonly schedules: ReportSchedulesService) {}

  @Post()
  @RequirePermission('reports.export')
  @ApiCreatedResponse({ type: ReportScheduleDto })
  public async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateReportScheduleDto,
    @Origin() origin: RequestOrigin,
  ): Promise<ReportScheduleDto> {
    const schedule = await this.schedules.create({ user, origin }, { ...body, definition: definitionOf(body) });
    return toDto(schedule);
  }

  @Get()
  @RequirePermission('reports.export')
  @ApiOkResponse({ type: ReportScheduleListDto })
  public async list(): Promise<ReportScheduleListDto> {
    return { items: (await this.schedules.list()).map(toDto) };
  }

  @Post(':id/pause')
  @HttpCode(200)
  @RequirePermission('reports.export')
  @ApiOkResponse({ type: ReportScheduleDto })
  public async pause(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Origin() origin: RequestOrigin,
  ): Promise<ReportScheduleDto> {
    return toDto(await this.schedules.setPaused({ user, origin }, id, true));
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequirePermission('reports.export')
  @ApiOkResponse({ type: ReportScheduleDto })
  public async resume(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Origin() origin: RequestOrigin,
  ): Promise<ReportScheduleDto> {
    return toDto(await this.schedules.setPaused({ user, origin }, id, false));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('reports.export')
  @ApiNoContentResponse()
  public async delete(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    await this.schedules.delete({ user, origin }, id);
  }
}

function definitionOf(body: CreateReportScheduleDto): ScheduleDefinition {
  if (body.query && body.report === undefined) return { query: body.query };
  if (body.report !== undefined && !body.query) return { report: body.report };
  throw new DomainError('REPORT_EXPORT_REQUEST_INVALID', 'A schedule names either a query or a report');
}

function toDto(schedule: ReportSchedule): ReportScheduleDto {
  const { definition, createdAt, updatedAt, ...rest } = schedule;
  return {
    ...rest,
    ...('report' in definition ? { report: definition.report } : { query: definition.query }),
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}
