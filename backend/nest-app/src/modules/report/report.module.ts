import { Module } from '@nestjs/common';
import { ReportCache } from './report-cache';
import { ReportController } from './report.controller';
import { ReportRepository } from './report.repository';
import { ReportRunner } from './report-runner';
import { ReportingService } from './reporting.service';

/** Reports over the ClickHouse rollups (docs/reports.md): a catalogue of measures and dimensions, cached, audited. */
@Module({
  controllers: [ReportController],
  providers: [ReportRepository, ReportRunner, ReportCache, ReportingService],
  exports: [ReportingService],
})
export class ReportModule {}
