export const REPORT_SCHEDULES_QUEUE = 'report-schedules';
export const RUN_SCHEDULE_JOB = 'run-schedule';

export interface RunScheduleJob {
  scheduleId: string;
}

/** The BullMQ job scheduler of one schedule. */
export function schedulerIdOf(scheduleId: string): string {
  return `report-schedule-${scheduleId}`;
}
