import { QUEUE_NAMES, QUEUES, type QueueName } from '@casino/contracts';
import { BullConnectionWatchModule, redisRetryStrategy } from '@casino/platform';
import { BullModule } from '@nestjs/bullmq';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { DefaultJobOptions } from 'bullmq';
import type { AppConfig } from '../../config/app-config';
import { QueueMetrics } from './queue-metrics';

/**
 * Mail and SMS jobs carry one-time codes in clear text, which must not outlive the code (10 minutes)
 * in Redis, where codes are otherwise kept only as hashes: delete them once sent, and failed ones soon.
 */
const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};
const SECRET_CARRYING_JOB_OPTIONS: DefaultJobOptions = {
  ...DEFAULT_JOB_OPTIONS,
  removeOnComplete: true,
  removeOnFail: { age: 600 },
};
const JOB_OPTIONS: Partial<Record<QueueName, DefaultJobOptions>> = {
  [QUEUES.MAIL]: SECRET_CARRYING_JOB_OPTIONS,
  [QUEUES.SMS]: SECRET_CARRYING_JOB_OPTIONS,
};

/** BullMQ on the shared Redis, with every queue of the contracts registry registered for producers. */
@Global()
@Module({})
export class QueueModule {
  public static forRoot(config: AppConfig): DynamicModule {
    const queues = BullModule.registerQueue(
      ...QUEUE_NAMES.map((name) => ({ name, defaultJobOptions: JOB_OPTIONS[name] ?? DEFAULT_JOB_OPTIONS })),
    );
    return {
      module: QueueModule,
      imports: [
        BullModule.forRoot({
          // Workers block on Redis; they must retry forever rather than fail a command.
          connection: { url: config.REDIS_URL, maxRetriesPerRequest: null, retryStrategy: redisRetryStrategy },
          prefix: config.QUEUE_PREFIX,
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        }),
        BullConnectionWatchModule.forRoot({ redisUrl: config.REDIS_URL, clientName: 'nest-app-bullmq' }),
        queues,
      ],
      providers: [QueueMetrics],
      exports: [queues],
    };
  }
}
