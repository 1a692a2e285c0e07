import { DomainError } from '@casino/contracts';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import { permissionsOf } from '../../../common/auth/staff-permissions';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { UsersService } from '../../user';
import { validTimeZone } from '../query/report-query';
import { ReportingService, type ReportActor } from '../reporting.service';
import { periodBefore, type SchedulePeriod } from './report-schedule-period';
import { checkedCron, checkedRecipients } from './report-schedule-rules';
import { REPORT_SCHEDULES_QUEUE, RUN_SCHEDULE_JOB, schedulerIdOf, type RunScheduleJob } from './report-schedule.queue';
import type { ReportSchedule, ScheduleDefinition } from './report-schedule.types';
import { ReportSchedulesRepository } from './report-schedules.repository';
import { scheduledExportId } from './scheduled-export-id';

export interface NewScheduleInput {
  name: string;
  cron: string;
  timeZone: string;
  period: SchedulePeriod;
  definition: ScheduleDefinition;
  format: ReportSchedule['format'];
  recipients: string[];
}

export type ScheduleRun =
  | { outcome: 'exported'; exportId: string; dateRange: { from: string; to: string } }
  | { outcome: 'skipped'; reason: 'missing' | 'paused' | 'owner_not_permitted' };

/**
 * Scheduled reports: staff create, list, pause, resume and delete them (each audited); PostgreSQL holds them, a
 * BullMQ job scheduler per active one fires `run-schedule`, and a run exports the closed period before it as its
 * owner, with the recipients mailed the link by worker-etl.
 */
@Injectable()
export class ReportSchedulesService {
  private readonly logger = new Logger(ReportSchedulesService.name);

  public constructor(
    private readonly repository: ReportSchedulesRepository,
    private readonly reporting: ReportingService,
    private readonly users: UsersService,
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @InjectQueue(REPORT_SCHEDULES_QUEUE) private readonly queue: Queue<RunScheduleJob>,
  ) {}

  public async create(actor: ReportActor, input: NewScheduleInput): Promise<ReportSchedule> {
    const now = this.clock.now();
    const timeZone = validTimeZone(input.timeZone);
    // The definition is checked as a run would build it (unknown names, currency rules: the API's 400s).
    this.reporting.queryFor(input.definition, timeZone, periodBefore(input.period, now, timeZone));
    const schedule = {
      id: randomUUID(),
      name: input.name.trim(),
      createdBy: actor.user.userId,
      cron: checkedCron(input.cron, timeZone, now),
      timeZone,
      period: input.period,
      definition: input.definition,
      format: input.format,
      recipients: checkedRecipients(input.recipients, this.config.scheduleRecipientDomains),
    };
    return this.dataSource.transaction(async (manager) => {
      const created = await this.repository.insert(schedule, manager);
      await this.audit(actor, 'report.schedule.create', created.id, { after: scheduleDetails(created) }, manager);
      // Inside the transaction: a scheduler left by a failed commit fires a run that finds no schedule.
      await this.startScheduler(created);
      return created;
    });
  }

  public list(): Promise<ReportSchedule[]> {
    return this.repository.list();
  }

  public async setPaused(actor: ReportActor, id: string, paused: boolean): Promise<ReportSchedule> {
    const changed = await this.dataSource.transaction(async (manager) => {
      const schedule = await this.repository.lockById(id, manager);
      if (!schedule) throw new DomainError('REPORT_SCHEDULE_NOT_FOUND', 'No such schedule', { id });
      if (schedule.paused === paused) {
        throw new DomainError('REPORT_SCHEDULE_UNCHANGED', paused ? 'Already paused' : 'Not paused', { id });
      }
      const updated = await this.repository.setPaused(id, paused, manager);
      const action = paused ? 'report.schedule.pause' : 'report.schedule.resume';
      await this.audit(actor, action, id, { before: { paused: !paused }, after: { paused } }, manager);
      if (!paused) await this.startScheduler(updated);
      return updated;
    });
    // After the commit: a scheduler still there fires a run that finds the schedule paused.
    if (paused) await this.queue.removeJobScheduler(schedulerIdOf(id));
    return changed;
  }

  public async delete(actor: ReportActor, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const schedule = await this.repository.lockById(id, manager);
      if (!schedule) throw new DomainError('REPORT_SCHEDULE_NOT_FOUND', 'No such schedule', { id });
      await this.repository.delete(id, manager);
      await this.audit(actor, 'report.schedule.delete', id, { before: scheduleDetails(schedule) }, manager);
    });
    await this.queue.removeJobScheduler(schedulerIdOf(id));
  }

  /** One firing: the schedule read again (it may be paused or gone), its owner still allowed to export. */
  public async run(scheduleId: string): Promise<ScheduleRun> {
    const schedule = await this.repository.findById(scheduleId);
    if (!schedule || schedule.paused) {
      return { outcome: 'skipped', reason: schedule ? 'paused' : 'missing' };
    }
    const owner = await this.users.findById(schedule.createdBy);
    if (!owner || owner.status !== 'active' || !permissionsOf(owner.roles).includes('reports.export')) {
      this.logger.warn({ scheduleId, code: 'REPORT_SCHEDULE_OWNER_NOT_PERMITTED' }, 'Scheduled report not run');
      await this.audit(null, 'report.schedule.skip', scheduleId, { reason: 'owner_not_permitted' });
      return { outcome: 'skipped', reason: 'owner_not_permitted' };
    }
    const dateRange = periodBefore(schedule.period, this.clock.now(), schedule.timeZone);
    const query = this.reporting.queryFor(schedule.definition, schedule.timeZone, dateRange);
    const dates = dateRange.from === dateRange.to ? dateRange.from : `${dateRange.from} to ${dateRange.to}`;
    const exportId = await this.reporting.exportQuery(
      {
        user: { userId: owner.id, roles: owner.roles, sessionId: 'report-schedule' },
        origin: { ip: null, userAgent: 'report-scheduler', requestId: `report-schedule-${scheduleId}` },
      },
      query,
      {
        format: schedule.format,
        report: 'report' in schedule.definition ? schedule.definition.report : schedule.name,
        exportId: scheduledExportId(scheduleId, dateRange.from, dateRange.to, schedule.format),
        notify: { recipients: schedule.recipients, subject: `Report "${schedule.name}": ${dates}` },
      },
    );
    return { outcome: 'exported', exportId, dateRange };
  }

  /** At start: one job scheduler per active schedule, none for a paused or deleted one. */
  public async reconcileSchedulers(): Promise<number> {
    const schedules = await this.repository.list();
    const active = schedules.filter((schedule) => !schedule.paused);
    const wanted = new Set(active.map((schedule) => schedulerIdOf(schedule.id)));
    for (const scheduler of await this.queue.getJobSchedulers()) {
      if (scheduler.key && !wanted.has(scheduler.key)) await this.queue.removeJobScheduler(scheduler.key);
    }
    for (const schedule of active) await this.startScheduler(schedule);
    return active.length;
  }

  private async startScheduler(schedule: ReportSchedule): Promise<void> {
    await this.queue.upsertJobScheduler(
      schedulerIdOf(schedule.id),
      { pattern: schedule.cron, tz: schedule.timeZone },
      {
        name: RUN_SCHEDULE_JOB,
        data: { scheduleId: schedule.id },
        opts: {
          attempts: 3,
          backoff: { type: 'exponential', delay: 10_000 },
          removeOnComplete: 100,
          removeOnFail: 500,
        },
      },
    );
  }

  private audit(
    actor: ReportActor | null,
    action: string,
    scheduleId: string,
    details: Record<string, unknown>,
    manager?: EntityManager,
  ): Promise<void> {
    return this.auditLog.record(
      {
        actorId: actor?.user.userId ?? null,
        actorRoles: actor?.user.roles ?? [],
        action,
        targetType: 'report_schedule',
        targetId: scheduleId,
        ip: actor?.origin.ip ?? null,
        userAgent: actor?.origin.userAgent ?? 'report-scheduler',
        requestId: actor?.origin.requestId,
        details,
      },
      manager,
    );
  }
}

function scheduleDetails(schedule: ReportSchedule): Record<string, unknown> {
  return {
    name: schedule.name,
    cron: schedule.cron,
    timeZone: schedule.timeZone,
    period: schedule.period,
    definition: schedule.definition,
    format: schedule.format,
    recipients: schedule.recipients,
    paused: schedule.paused,
  };
}
