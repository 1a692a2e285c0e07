import { LocalDirectoryStorage, OBJECT_STORAGE } from '@casino/platform';
import { Module } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { AppConfig } from '../../../config/app-config';
import { ReportExportsController } from './report-exports.controller';
import { ReportExportsRepository } from './report-exports.repository';
import { ReportExportsService } from './report-exports.service';

/**
 * Report exports (docs/reports.md "Exports"): `ReportExportsService.request` for the report module's
 * `POST /reports/exports`, the status and signed download routes here. The files are worker-etl's, in the
 * object storage at `REPORT_EXPORT_DIR`.
 */
@Module({
  controllers: [ReportExportsController],
  providers: [
    ReportExportsRepository,
    ReportExportsService,
    {
      provide: OBJECT_STORAGE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        mkdirSync(config.REPORT_EXPORT_DIR, { recursive: true });
        return new LocalDirectoryStorage(config.REPORT_EXPORT_DIR);
      },
    },
  ],
  exports: [ReportExportsService],
})
export class ReportExportsModule {}
