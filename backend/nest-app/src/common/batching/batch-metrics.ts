import { histogramOf } from '@casino/platform';
import type { Histogram } from 'prom-client';

const SIZE = 'casino_batch_size';
const DURATION = 'casino_batch_duration_seconds';

function histogram(name: string, help: string, buckets: number[]): Histogram<'batch'> {
  return histogramOf(name, help, ['batch'], buckets);
}

const sizes = histogram(SIZE, 'Inputs per group-committed batch, by batch kind', [1, 2, 4, 8, 16, 32, 64, 128]);
const durations = histogram(
  DURATION,
  'Duration of group-committed batches (database round trips included), by batch kind',
  [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
);

/**
 * Records one batch of a group-committed kind (a coalesced statement, the ledger's transaction): how many
 * inputs it took and how long it ran. The sum of durations over time tells how busy a serial kind is.
 */
export function observeBatch(kind: string, size: number, startedAt: bigint): void {
  sizes.observe({ batch: kind }, size);
  durations.observe({ batch: kind }, Number(process.hrtime.bigint() - startedAt) / 1e9);
}
