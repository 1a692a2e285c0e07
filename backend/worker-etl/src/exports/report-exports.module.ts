import { QUEUES } from '@casino/contracts';
import { ObjectStorageModule } from '@casino/platform';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { BullModule } from '@nestjs/bullmq';
import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ReportExportMailer } from './report-export-mailer';
import { ReportExportsProcessor } from './report-exports.processor';
import { REPORT_EXPORTS_CLICKHOUSE, REPORT_EXPORTS_OPTIONS, type ReportExportsOptions } from './report-exports.tokens';

@Injectable()
class ExportClickHouseLifecycle implements OnApplicationShutdown {
  public constructor(@Inject(REPORT_EXPORTS_CLICKHOUSE) private readonly client: ClickHouseClient) {}

  public async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/**
 * The `reports` queue's consumer (`REPORT_EXPORTS_ENABLED`). Its own ClickHouse client: an export's request lasts
 * up to `max_execution_time` plus the transfer, longer than the shared client's request timeout allows.
 */
@Module({})
export class ReportExportsModule {
  public static forRoot(options: ReportExportsOptions): DynamicModule {
    return {
      module: ReportExportsModule,
      imports: [
        BullModule.registerQueue({ name: QUEUES.REPORTS }, { name: QUEUES.MAIL }),
        ObjectStorageModule.forRoot({ directory: options.directory }),
      ],
      providers: [
        { provide: REPORT_EXPORTS_OPTIONS, useValue: options },
        {
          provide: REPORT_EXPORTS_CLICKHOUSE,
          useFactory: () =>
            createClient({
              ...options.clickhouse,
              request_timeout: (options.maxExecutionSeconds + 60) * 1000,
              log: { level: ClickHouseLogLevel.OFF },
            }),
        },
        ExportClickHouseLifecycle,
        ReportExportMailer,
        ReportExportsProcessor,
      ],
    };
  }
}
