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

  public async insert(record: Omit<ReportExportRecord, 'createdAt'>, manager: EntityManager): Promise<Date> {
    const [row] = (await manager.query(
      `INSERT INTO report_exports (id, requested_by, format, description) VALUES ($1, $2, $3, $4) RETURNING created_at`,
      [record.id, record.requestedBy, record.format, record.description],
    )) as { created_at: Date }[];
    if (!row) throw new Error('report_exports insert returned no row');
    return row.created_at;
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
