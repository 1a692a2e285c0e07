import { QUEUE_NAMES } from '@casino/contracts';
import { BullModule } from '@nestjs/bullmq';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';

/** BullMQ on the shared Redis, with every queue of the contracts registry registered for producers. */
@Global()
@Module({})
export class QueueModule {
  public static forRoot(config: AppConfig): DynamicModule {
    const queues = BullModule.registerQueue(...QUEUE_NAMES.map((name) => ({ name })));
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          // Workers block on Redis; they must retry forever rather than fail a command.
          connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
          prefix: config.QUEUE_PREFIX,
          defaultJobOptions: {
            attempts: 5,
            backoff: { type: 'exponential', delay: 1000 },
            removeOnComplete: { age: 24 * 3600, count: 10_000 },
            removeOnFail: { age: 7 * 24 * 3600 },
          },
        }),
        queues,
      ],
      exports: [queues],
    };
  }
}
