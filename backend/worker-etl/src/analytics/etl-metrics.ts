import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, register } from 'prom-client';

function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** What the loader exposes on the worker's /metrics, per consumer (`wallet`, `wallet-holds`, `payment`, `user`, `game`). */
@Injectable()
export class EtlMetrics {
  public readonly lag = metric(
    'worker_etl_lag_seconds',
    () =>
      new Histogram({
        name: 'worker_etl_lag_seconds',
        help: 'Time from an event to its load into ClickHouse, by consumer',
        labelNames: ['consumer'],
        buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
      }),
  );

  public readonly pending = metric(
    'worker_etl_pending_messages',
    () =>
      new Gauge({
        name: 'worker_etl_pending_messages',
        help: 'Messages of the stream not yet delivered to the consumer, when it last fetched',
        labelNames: ['consumer'],
      }),
  );

  public readonly loadedRows = metric(
    'worker_etl_loaded_rows_total',
    () =>
      new Counter({
        name: 'worker_etl_loaded_rows_total',
        help: 'Rows inserted into ClickHouse (duplicates of loaded rows are not counted), by table',
        labelNames: ['table'],
      }),
  );

  public readonly skippedRows = metric(
    'worker_etl_duplicate_rows_total',
    () =>
      new Counter({
        name: 'worker_etl_duplicate_rows_total',
        help: 'Rows of redelivered or repeated events found already loaded and skipped, by table',
        labelNames: ['table'],
      }),
  );
}
