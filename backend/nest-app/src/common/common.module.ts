import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AuditLog } from './audit/audit-log';
import { Clock, SystemClock } from './time/clock';

/** Cross-cutting services every module may inject: the audit log and the clock. */
@Global()
@Module({})
export class CommonModule {
  /** `clock` replaces the system clock (tests move time with a ManualClock). */
  public static forRoot(clock?: Clock): DynamicModule {
    return {
      module: CommonModule,
      providers: [AuditLog, clock ? { provide: Clock, useValue: clock } : { provide: Clock, useClass: SystemClock }],
      exports: [AuditLog, Clock],
    };
  }
}
