import { Global, Module } from '@nestjs/common';
import { KpiSource } from '../admin';
import { GameModule } from '../game';
import { ReportExportsModule } from './exports';
import { GamesDimensionSync } from './games-dimension.sync';
import { ReportCache } from './report-cache';
import { ReportKpiSource } from './report-kpi-source';
import { ReportController } from './report.controller';
import { ReportRepository } from './report.repository';
import { ReportRunner } from './report-runner';
import { ReportingService } from './reporting.service';

/**
 * Reports over the ClickHouse rollups (docs/reports.md): a catalogue of measures and dimensions, cached, audited.
 * Global only so that the admin module's optional `KpiSource` port finds this binding without importing this module.
 */
@Global()
@Module({
  imports: [ReportExportsModule, GameModule],
  controllers: [ReportController],
  providers: [
    ReportRepository,
    ReportRunner,
    ReportCache,
    ReportingService,
    ReportKpiSource,
    GamesDimensionSync,
    { provide: KpiSource, useExisting: ReportKpiSource },
  ],
  exports: [ReportingService, KpiSource, ReportExportsModule],
})
export class ReportModule {}
