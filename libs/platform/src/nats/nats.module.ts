import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';
import type { ReadinessProbe } from '../health/readiness-probe';
import { EVENT_BUS } from './event-bus';
import { NatsEventBus } from './nats-event-bus';
import { NATS_CONNECTION, NATS_OPTIONS, type NatsOptions } from './nats.tokens';
import { ensureStreams } from './streams';

@Injectable()
export class NatsProbe implements ReadinessProbe {
  public readonly name = 'nats';

  public constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {}

  public async check(): Promise<void> {
    if (this.connection.isClosed()) {
      throw new Error('nats connection is closed');
    }
    await this.connection.flush();
  }
}

const DRAIN_WAIT_MS = 3000;

@Injectable()
class NatsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Nats');

  public constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(NATS_OPTIONS) private readonly options: NatsOptions,
  ) {}

  public async onApplicationBootstrap(): Promise<void> {
    const names = await ensureStreams(this.connection, this.options);
    this.logger.log({ streams: names }, 'JetStream streams ready');
  }

  public async onApplicationShutdown(): Promise<void> {
    if (this.connection.isClosed()) return;
    // Drain lets in-flight messages finish, but it can wait on open pull requests; bound it.
    const drained = this.connection.drain().catch(() => undefined);
    const timer = new Promise<void>((resolve) => setTimeout(resolve, DRAIN_WAIT_MS).unref());
    await Promise.race([drained, timer]);
    if (!this.connection.isClosed()) await this.connection.close();
  }
}

@Global()
@Module({})
export class NatsModule {
  public static forRoot(options: NatsOptions): DynamicModule {
    return {
      module: NatsModule,
      providers: [
        { provide: NATS_OPTIONS, useValue: options },
        {
          provide: NATS_CONNECTION,
          useFactory: () =>
            connect({
              servers: options.servers.split(','),
              name: options.clientName,
              maxReconnectAttempts: -1,
              reconnectTimeWait: 500,
              waitOnFirstConnect: true,
              // nats.js otherwise captures a stack trace (an Error) for every request and publish, to append to
              // a timeout's error: a quarter of the outbox relay's CPU under load. A timeout still says so.
              noAsyncTraces: true,
            }),
        },
        { provide: EVENT_BUS, useClass: NatsEventBus },
        NatsLifecycle,
      ],
      exports: [NATS_CONNECTION, NATS_OPTIONS, EVENT_BUS],
    };
  }
}
