import { Module } from '@nestjs/common';
import { GatewayConfig } from '../../config/gateway-config';
import { UpstreamHealthChecker } from './upstream-health-checker';
import { UpstreamPool } from './upstream-pool';

/** The nest-app instances behind the gateway and their active health checks. */
@Module({
  providers: [
    {
      provide: UpstreamPool,
      useFactory: (config: GatewayConfig) => new UpstreamPool(config.upstreams),
      inject: [GatewayConfig],
    },
    UpstreamHealthChecker,
  ],
  exports: [UpstreamPool, UpstreamHealthChecker],
})
export class RoutingModule {}
