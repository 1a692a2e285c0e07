import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import type { NewReportSchedule, ReportSchedule } from './report-schedule.types';

interface ReportScheduleRow {
  id: string;
  name: string;
  created_by: string;
  cron: string;
  time_zone: string;
  period: ReportSchedule['period'];
  definition: ReportSchedule['definition'];
  format: ReportSchedule['format'];
  recipients: string[];
  paused: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, name, created_by, cron, time_zone, period, definition, format, recipients, paused, created_at, updated_at';

/** The `report_schedules` table: the source of truth for the BullMQ job schedulers (rebuilt from it at start). */
@Injectable()
export class ReportSchedulesRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async insert(schedule: NewReportSchedule, manager: EntityManager): Promise<ReportSchedule> {
    const rows = (await manager.query(
      `INSERT INTO report_schedules (id, name, created_by, cron, time_zone, period, definition, format, recipients)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        schedule.id,
        schedule.name,
        schedule.createdBy,
        schedule.cron,
        schedule.timeZone,
        schedule.period,
        JSON.stringify(schedule.definition),
        schedule.format,
        schedule.recipients,
      ],
    )) as ReportScheduleRow[];
    return toSchedule(single(rows));
  }

  public async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<ReportSchedule | null> {
    const [row] = (await manager.query(`SELECT ${COLUMNS} FROM report_schedules WHERE id = $1`, [id])) as
      ReportScheduleRow[] | [];
    return row ? toSchedule(row) : null;
  }

  /** Locks the row for a change (pause, resume, delete) made in the caller's transaction. */
  public async lockById(id: string, manager: EntityManager): Promise<ReportSchedule | null> {
    const [row] = (await manager.query(`SELECT ${COLUMNS} FROM report_schedules WHERE id = $1 FOR UPDATE`, [id])) as
      ReportScheduleRow[] | [];
    return row ? toSchedule(row) : null;
  }

  public async list(): Promise<ReportSchedule[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM report_schedules ORDER BY created_at, id LIMIT 1000`,
    )) as ReportScheduleRow[];
    return rows.map(toSchedule);
  }

  public async setPaused(id: string, paused: boolean, manager: EntityManager): Promise<ReportSchedule> {
    const rows = (await manager.query(
      `UPDATE report_schedules SET paused = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, paused],
    )) as [ReportScheduleRow[], number];
    return toSchedule(single(rows[0]));
  }

  public async delete(id: string, manager: EntityManager): Promise<void> {
    await manager.query(`DELETE FROM report_schedules WHERE id = $1`, [id]);
  }
}

function single(rows: ReportScheduleRow[]): ReportScheduleRow {
  const [row] = rows;
  if (!row) throw new Error('report_schedules statement returned no row');
  return row;
}

function toSchedule(row: ReportScheduleRow): ReportSchedule {
  return {
    id: row.id,
    name: row.name,
    createdBy: row.created_by,
    cron: row.cron,
    timeZone: row.time_zone,
    period: row.period,
    definition: row.definition,
    format: row.format,
    recipients: row.recipients,
    paused: row.paused,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
