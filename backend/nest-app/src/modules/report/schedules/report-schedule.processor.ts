import { processTracedJob } from '@casino/platform';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { REPORT_SCHEDULES_QUEUE, RUN_SCHEDULE_JOB, type RunScheduleJob } from './report-schedule.queue';
import { ReportSchedulesService, type ScheduleRun } from './report-schedules.service';

/** Runs `run-schedule` firings (any nest-app instance; BullMQ gives each firing to one). */
@Processor(REPORT_SCHEDULES_QUEUE)
export class ReportScheduleProcessor extends WorkerHost {
  private readonly logger = new Logger(ReportScheduleProcessor.name);

  public constructor(private readonly schedules: ReportSchedulesService) {
    super();
  }

  public process(job: Job<RunScheduleJob>): Promise<ScheduleRun> {
    return processTracedJob(REPORT_SCHEDULES_QUEUE, job, () => this.run(job));
  }

  private async run(job: Job<RunScheduleJob>): Promise<ScheduleRun> {
    if (job.name !== RUN_SCHEDULE_JOB || typeof job.data.scheduleId !== 'string') {
      throw new Error(`unknown job ${job.name}`);
    }
    const run = await this.schedules.run(job.data.scheduleId);
    this.logger.log({ scheduleId: job.data.scheduleId, ...run }, 'Scheduled report fired');
    return run;
  }
}

/** At start, the job schedulers are made to match the schedules table (a lost or stale scheduler is repaired). */
@Injectable()
export class ReportSchedulerReconciler implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReportSchedulerReconciler.name);

  public constructor(private readonly schedules: ReportSchedulesService) {}

  public async onApplicationBootstrap(): Promise<void> {
    const active = await this.schedules.reconcileSchedulers();
    this.logger.log({ active }, 'report schedules reconciled');
  }
}
