import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { ReadinessProbe } from '../health/readiness-probe';
import { CLICKHOUSE_CLIENT, type ClickHouseOptions } from './clickhouse.tokens';

@Injectable()
export class ClickHouseProbe implements ReadinessProbe {
  public readonly name = 'clickhouse';

  public constructor(@Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient) {}

  public async check(): Promise<void> {
    const result = await this.client.ping();
    if (!result.success) {
      throw new Error(`clickhouse ping failed: ${result.error.message}`);
    }
  }
}

@Injectable()
class ClickHouseLifecycle implements OnApplicationShutdown {
  public constructor(@Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient) {}

  public async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

@Global()
@Module({})
export class ClickHouseModule {
  public static forRoot(options: ClickHouseOptions): DynamicModule {
    return {
      module: ClickHouseModule,
      providers: [
        {
          provide: CLICKHOUSE_CLIENT,
          // The client's own logger writes to the console; failures reach us as errors instead.
          useFactory: () =>
            createClient({ ...options, request_timeout: 30_000, log: { level: ClickHouseLogLevel.OFF } }),
        },
        ClickHouseLifecycle,
      ],
      exports: [CLICKHOUSE_CLIENT],
    };
  }
}
