import type { DynamicModule } from '@nestjs/common';
// The worker's own consumer, mounted beside the app: a test drives both sides of the `reports` queue.
import { ReportExportsModule as WorkerReportExportsModule } from '../../../worker-etl/src/exports/report-exports.module';
import type { AppConfig } from '../../src/config/app-config';

/** Mailed links start with this address (report-schedules.e2e-spec strips it to request the path from the app). */
const MAILED_LINK_BASE = 'http://gateway.test';

/** worker-etl's export consumer on the app's ClickHouse, writing into `directory`, signing with the app's key. */
export function exportWorker(config: AppConfig, directory: string): DynamicModule {
  return WorkerReportExportsModule.forRoot({
    directory,
    maxExecutionSeconds: 30,
    mailedLinks: { secret: config.REPORT_EXPORT_LINK_SECRET, publicUrl: `${MAILED_LINK_BASE}/`, ttlSeconds: 3600 },
    clickhouse: {
      url: config.CLICKHOUSE_URL,
      database: config.CLICKHOUSE_DATABASE,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
    },
  });
}
