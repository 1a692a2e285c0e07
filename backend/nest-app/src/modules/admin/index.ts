/** The admin module's public face (ADR 0018). The report module binds `KpiSource` to fill the dashboard's KPIs. */
export { AdminModule } from './admin.module';
export { KpiSource, type KpiBlock } from './dashboard/kpi-source.port';
export { AdjustmentsService } from './adjustments/adjustments.service';
export { mountQueueBoard } from './queues/queue-board.plugin';
