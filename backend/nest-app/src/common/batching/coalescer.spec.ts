import { register } from 'prom-client';
import { Coalescer } from './coalescer';

/** A batch function that records each batch and answers after the test lets it (one gate per batch). */
function recordingBatches<I, O>(answer: (input: I) => O) {
  const batches: I[][] = [];
  const gates: (() => void)[] = [];
  const run = async (inputs: I[]): Promise<O[]> => {
    batches.push([...inputs]);
    await new Promise<void>((resolve) => gates.push(resolve));
    return inputs.map(answer);
  };
  const releaseNext = async (): Promise<void> => {
    while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve));
    gates.shift()?.();
  };
  return { batches, run, releaseNext };
}

describe('Coalescer', () => {
  it('runs the inputs of one event-loop turn together, and those that arrive during a batch in the next', async () => {
    const batches = recordingBatches((n: number) => n * 10);
    const coalescer = new Coalescer(batches.run, { name: 'test', maxBatchSize: 100, maxInFlight: 1 });
    const first = [1, 2].map((n) => coalescer.submit(n));
    await new Promise((resolve) => setImmediate(resolve));
    const later = [3, 4, 5].map((n) => coalescer.submit(n));
    await batches.releaseNext();
    await batches.releaseNext();
    expect(await Promise.all(first)).toEqual([10, 20]);
    expect(await Promise.all(later)).toEqual([30, 40, 50]);
    expect(batches.batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('never puts two inputs with one key in a batch, and keeps arrival order otherwise', async () => {
    const batches = recordingBatches((input: { key: string; n: number }) => input.n);
    const coalescer = new Coalescer(batches.run, {
      name: 'test',
      maxBatchSize: 100,
      maxInFlight: 1,
      keyOf: (input) => input.key,
    });
    const blocker = coalescer.submit({ key: 'x', n: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    const inputs = [
      { key: 'a', n: 1 },
      { key: 'a', n: 2 },
      { key: 'b', n: 3 },
      { key: 'a', n: 4 },
    ];
    const outputs = inputs.map((input) => coalescer.submit(input));
    for (let i = 0; i < 4; i += 1) await batches.releaseNext();
    expect(await Promise.all([blocker, ...outputs])).toEqual([0, 1, 2, 3, 4]);
    expect(batches.batches.map((batch) => batch.map((input) => input.n))).toEqual([[0], [1, 3], [2], [4]]);
  });

  it('caps batches at maxBatchSize and runs at most maxInFlight at once', async () => {
    let running = 0;
    let mostRunning = 0;
    const sizes: number[] = [];
    const coalescer = new Coalescer(
      async (inputs: number[]) => {
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        sizes.push(inputs.length);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return inputs;
      },
      { name: 'test', maxBatchSize: 8, maxInFlight: 2 },
    );
    const outputs = await Promise.all(Array.from({ length: 50 }, (_, n) => coalescer.submit(n)));
    expect(outputs).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(Math.max(...sizes)).toBe(8);
    expect(mostRunning).toBe(2);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(50);
  });

  it('isolates a bad input: the batch is re-run one by one and only its caller fails', async () => {
    const seen: number[][] = [];
    const coalescer = new Coalescer(
      async (inputs: number[]) => {
        seen.push([...inputs]);
        if (inputs.includes(13)) throw new Error('thirteen');
        return inputs.map((n) => n + 1);
      },
      { name: 'test', maxBatchSize: 100, maxInFlight: 1 },
    );
    const blocker = coalescer.submit(0);
    await new Promise((resolve) => setImmediate(resolve));
    const results = await Promise.allSettled([12, 13, 14].map((n) => coalescer.submit(n)));
    await blocker;
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : 'failed'))).toEqual([
      13,
      'failed',
      15,
    ]);
    expect(seen).toEqual([[0], [12, 13, 14], [12], [13], [14]]);
  });

  it('runs a batch again after a retryable failure, and refuses an answer of the wrong length', async () => {
    let calls = 0;
    const flaky = new Coalescer(
      async (inputs: string[]) => {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        return inputs;
      },
      {
        name: 'test',
        maxBatchSize: 10,
        maxInFlight: 1,
        isRetryable: (error) => (error as { code?: string }).code === '40P01',
      },
    );
    expect(await flaky.submit('once')).toBe('once');
    expect(calls).toBe(2);

    const short = new Coalescer(async () => [] as string[], { name: 'test', maxBatchSize: 10, maxInFlight: 1 });
    await expect(short.submit('x')).rejects.toThrow('a batch of 1 answered 0 outputs');
  });
});

describe('batch metrics', () => {
  it('counts each batch of a kind with its size', async () => {
    const coalescer = new Coalescer(async (inputs: number[]) => inputs, {
      name: 'spec_metrics',
      maxBatchSize: 10,
      maxInFlight: 1,
    });
    await Promise.all([1, 2, 3].map((n) => coalescer.submit(n)));
    const sizes = await register.getSingleMetric('casino_batch_size')?.get();
    const of = (name: string) =>
      sizes?.values.find(
        (value) => value.labels.batch === 'spec_metrics' && (value as { metricName?: string }).metricName === name,
      )?.value;
    expect(of('casino_batch_size_count')).toBe(1);
    expect(of('casino_batch_size_sum')).toBe(3);
  });
});
