import type { ReportExportFormat } from '@casino/contracts';
import type { ReportQueryInput } from '../query/report-query';
import type { SchedulePeriod } from './report-schedule-period';

/** What a schedule reports: a query without dates, or a named report; the dates come from its period. */
export type ScheduleDefinition = { query: Omit<ReportQueryInput, 'dateRange' | 'timeZone'> } | { report: string };

export interface ReportSchedule {
  id: string;
  name: string;
  createdBy: string;
  cron: string;
  timeZone: string;
  period: SchedulePeriod;
  definition: ScheduleDefinition;
  format: ReportExportFormat;
  recipients: string[];
  paused: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export type NewReportSchedule = Omit<ReportSchedule, 'paused' | 'createdAt' | 'updatedAt'>;
