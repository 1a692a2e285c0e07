/** Report exports' public face: the report module imports the module and calls `ReportExportsService.request`. */
export { ReportExportsModule } from './report-exports.module';
export { ReportExportsService } from './report-exports.service';
export type { ReportExportRequest, ReportExportStatus, ReportExportState } from './report-export.types';
