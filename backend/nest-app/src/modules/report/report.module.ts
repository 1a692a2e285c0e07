import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { KpiSource } from '../admin';
import { GameModule } from '../game';
import { UserModule } from '../user';
import { ReportExportsModule } from './exports';
import { GamesDimensionSync } from './games-dimension.sync';
import { ReportCache } from './report-cache';
import { ReportKpiSource } from './report-kpi-source';
import { ReportController } from './report.controller';
import { ReportRepository } from './report.repository';
import { ReportRunner } from './report-runner';
import { ReportingService } from './reporting.service';
import { ReportScheduleProcessor, ReportSchedulerReconciler } from './schedules/report-schedule.processor';
import { REPORT_SCHEDULES_QUEUE } from './schedules/report-schedule.queue';
import { ReportSchedulesController } from './schedules/report-schedules.controller';
import { ReportSchedulesRepository } from './schedules/report-schedules.repository';
import { ReportSchedulesService } from './schedules/report-schedules.service';

/**
 * Reports over the ClickHouse rollups (docs/reports.md): a catalogue of measures and dimensions, cached, audited.
 * Global only so that the admin module's optional `KpiSource` port finds this binding without importing this module.
 */
@Global()
@Module({
  imports: [ReportExportsModule, GameModule, UserModule, BullModule.registerQueue({ name: REPORT_SCHEDULES_QUEUE })],
  controllers: [ReportController, ReportSchedulesController],
  providers: [
    ReportRepository,
    ReportRunner,
    ReportCache,
    ReportingService,
    ReportKpiSource,
    GamesDimensionSync,
    ReportSchedulesRepository,
    ReportSchedulesService,
    ReportScheduleProcessor,
    ReportSchedulerReconciler,
    { provide: KpiSource, useExisting: ReportKpiSource },
  ],
  exports: [ReportingService, KpiSource, ReportExportsModule],
})
export class ReportModule {}
