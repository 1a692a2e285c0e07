import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { QueueBase } from 'bullmq';
import { RedisConnectionLog, redisEndpoint } from './redis-connection-log';

interface BullWatchOptions {
  /** The URL of `BullModule.forRoot`'s connection: only its host, port and database are logged. */
  redisUrl: string;
  clientName: string;
}

/**
 * Gives every BullMQ queue and worker of the app an `error` listener. BullMQ passes its connections' failures on as
 * the queue's or worker's `error` event; without a listener it prints each failed reconnect with `console.error`.
 * One log for them all: a Redis outage is one line for the process, however many queues it has.
 */
@Injectable()
export class BullConnectionWatch implements OnApplicationBootstrap {
  public constructor(
    private readonly discovery: DiscoveryService,
    private readonly log: RedisConnectionLog,
  ) {}

  /** After `onModuleInit`, where @nestjs/bullmq creates the workers. */
  public onApplicationBootstrap(): void {
    for (const emitter of this.queuesAndWorkers()) {
      emitter.on('error', (error: Error) => this.log.failed(error));
      emitter.getBackend().on('ready', () => this.log.restored());
    }
  }

  private queuesAndWorkers(): QueueBase[] {
    const found = new Set<QueueBase>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (instance instanceof QueueBase) found.add(instance);
      if (instance instanceof WorkerHost) {
        try {
          found.add(instance.worker);
        } catch {
          // A processor registered manually and not yet: no worker to watch.
        }
      }
    }
    return [...found];
  }
}

@Module({})
export class BullConnectionWatchModule {
  public static forRoot(options: BullWatchOptions): DynamicModule {
    return {
      module: BullConnectionWatchModule,
      imports: [DiscoveryModule],
      providers: [
        {
          provide: RedisConnectionLog,
          useFactory: () => new RedisConnectionLog(options.clientName, redisEndpoint(options.redisUrl)),
        },
        BullConnectionWatch,
      ],
    };
  }
}
