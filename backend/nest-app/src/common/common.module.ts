import { Global, Module } from '@nestjs/common';
import { AuditLog } from './audit/audit-log';
import { Clock, SystemClock } from './time/clock';

/** Cross-cutting services every module may inject: the audit log and the clock. */
@Global()
@Module({
  providers: [AuditLog, { provide: Clock, useClass: SystemClock }],
  exports: [AuditLog, Clock],
})
export class CommonModule {}
