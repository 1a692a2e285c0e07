import type { ReadinessProbe } from '@casino/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { HotPathDatabase } from './hot-path-database';

/** Both pools answer: the main one and the money path's (ADR 0011), which can run out of connections alone. */
@Injectable()
export class PostgresProbe implements ReadinessProbe {
  public readonly name = 'postgres';

  public constructor(
    private readonly dataSource: DataSource,
    private readonly hotPath: HotPathDatabase,
  ) {}

  public async check(): Promise<void> {
    await Promise.all([this.dataSource.query('SELECT 1'), this.hotPath.ping()]);
  }
}
