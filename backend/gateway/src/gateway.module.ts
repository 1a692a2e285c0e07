import {
  createLoggerModule,
  HealthModule,
  MetricsModule,
  NatsModule,
  NatsProbe,
  RedisModule,
  RedisProbe,
} from '@casino/platform';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { GatewayConfig } from './config/gateway-config';
import { PushModule } from './modules/push';
import { RoutingModule } from './modules/routing';

/** The edge in front of the nest-app instances: routing, edge checks, rate limits, live push. */
@Global()
@Module({})
export class GatewayModule {
  public static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        // Requests are logged from a Fastify hook (bootstrap): the proxied routes never enter Nest's middleware chain.
        createLoggerModule({
          serviceName: 'gateway',
          level: config.LOG_LEVEL,
          loki: config.lokiShipping,
          environment: config.NODE_ENV,
          requestLogs: 'fastify-hook',
        }),
        MetricsModule,
        RedisModule.forRoot(
          { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX, autoPipelining: true },
          'gateway',
        ),
        NatsModule.forRoot({
          servers: config.NATS_URL,
          subjectPrefix: config.NATS_SUBJECT_PREFIX,
          clientName: 'gateway',
          duplicateWindowSeconds: config.NATS_DUPLICATE_WINDOW_SECONDS,
          streamReplicas: config.NATS_STREAM_REPLICAS,
        }),
        HealthModule.forProbes([RedisProbe, NatsProbe]),
        RoutingModule,
        PushModule,
      ],
      providers: [{ provide: GatewayConfig, useValue: config }],
      exports: [GatewayConfig],
    };
  }
}
