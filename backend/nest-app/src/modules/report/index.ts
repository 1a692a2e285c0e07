/** The report module's public face (docs/reports.md). */
export { ReportModule } from './report.module';
export { ReportingService, type ReportResult, type ReportActor } from './reporting.service';
export type { ReportQueryInput } from './query/report-query';
export { REPORT_SCHEDULES_QUEUE } from './schedules/report-schedule.queue';
