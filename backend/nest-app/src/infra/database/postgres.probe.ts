import type { ReadinessProbe } from '@casino/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class PostgresProbe implements ReadinessProbe {
  public readonly name = 'postgres';

  public constructor(private readonly dataSource: DataSource) {}

  public async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
