import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { Histogram, register } from 'prom-client';

const HISTOGRAM_NAME = 'http_request_duration_seconds';

/** Request duration by method, route pattern (never the raw URL) and status. */
@Injectable()
export class HttpMetrics {
  private readonly histogram: Histogram<'method' | 'route' | 'status_code'> =
    (register.getSingleMetric(HISTOGRAM_NAME) as Histogram<'method' | 'route' | 'status_code'>) ??
    new Histogram({
      name: HISTOGRAM_NAME,
      help: 'HTTP request duration in seconds by method, route and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });

  public attach(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      this.histogram.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
