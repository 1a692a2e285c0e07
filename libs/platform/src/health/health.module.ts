import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Draining } from './draining';
import { HealthController } from './health.controller';
import { ReadinessMetrics } from './readiness-metrics';
import { READINESS_PROBES, type ReadinessProbe } from './readiness-probe';

/** `GET /health/live` and `GET /health/ready` over the probes an app names. */
@Module({})
export class HealthModule {
  public static forProbes(probes: Type<ReadinessProbe>[], imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false, errorLogStyle: 'json' }), ...imports],
      controllers: [HealthController],
      providers: [
        Draining,
        ReadinessMetrics,
        ...probes,
        {
          provide: READINESS_PROBES,
          useFactory: (...instances: ReadinessProbe[]) => instances,
          inject: probes,
        },
      ],
      exports: [Draining],
    };
  }
}
