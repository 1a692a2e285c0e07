import { counterOf, gaugeOf, histogramOf } from '@casino/platform';
import { Injectable } from '@nestjs/common';

/** What the loader exposes on the worker's /metrics, per consumer (`wallet`, `wallet-holds`, `payment`, `user`, `game`). */
@Injectable()
export class EtlMetrics {
  public readonly lag = histogramOf(
    'worker_etl_lag_seconds',
    'Time from an event to its load into ClickHouse, by consumer',
    ['consumer'],
    [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
  );

  /** Events per loaded batch: many small batches mean idle streams or a short ETL_BATCH_MAX_WAIT_MS. */
  public readonly batchEvents = histogramOf(
    'worker_etl_batch_events',
    'Events in each batch a consumer loaded into ClickHouse (up to ETL_BATCH_MAX_ROWS), by consumer',
    ['consumer'],
    [1, 5, 10, 50, 100, 500, 1000, 5000, 10_000],
  );

  public readonly pending = gaugeOf(
    'worker_etl_pending_messages',
    'Messages of the stream not yet delivered to the consumer, when it last fetched',
    ['consumer'],
  );

  public readonly loadedRows = counterOf(
    'worker_etl_loaded_rows_total',
    'Rows inserted into ClickHouse (duplicates of loaded rows are not counted), by table',
    ['table'],
  );

  public readonly skippedRows = counterOf(
    'worker_etl_duplicate_rows_total',
    'Rows of redelivered or repeated events found already loaded and skipped, by table',
    ['table'],
  );
}
