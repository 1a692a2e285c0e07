import type { ReportExportFormat } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';

export interface ReportExportRecord {
  id: string;
  requestedBy: string;
  format: ReportExportFormat;
  description: string;
  createdAt: Date;
}

interface ReportExportRow {
  id: string;
  requested_by: string;
  format: ReportExportFormat;
  description: string;
  created_at: Date;
}

/** The `report_exports` table: who asked for which export. */
@Injectable()
export class ReportExportsRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** False when an export of this id is already recorded (a scheduled run retried). */
  public async insert(record: Omit<ReportExportRecord, 'createdAt'>, manager: EntityManager): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO report_exports (id, requested_by, format, description) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING RETURNING created_at`,
      [record.id, record.requestedBy, record.format, record.description],
    )) as { created_at: Date }[];
    return rows.length === 1;
  }

  public async findById(id: string): Promise<ReportExportRecord | null> {
    const [row] = (await this.dataSource.query(
      `SELECT id, requested_by, format, description, created_at FROM report_exports WHERE id = $1`,
      [id],
    )) as ReportExportRow[];
    if (!row) return null;
    return {
      id: row.id,
      requestedBy: row.requested_by,
      format: row.format,
      description: row.description,
      createdAt: row.created_at,
    };
  }
}
