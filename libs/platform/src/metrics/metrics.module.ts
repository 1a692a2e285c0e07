import { Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { HttpMetrics } from './http-metrics';

/** `GET /metrics`: default process metrics plus the HTTP duration histogram. */
@Module({
  imports: [PrometheusModule.register({ path: '/metrics', defaultMetrics: { enabled: true } })],
  providers: [HttpMetrics],
  exports: [HttpMetrics],
})
export class MetricsModule {}
