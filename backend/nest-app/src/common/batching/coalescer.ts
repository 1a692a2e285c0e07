import { observeBatch } from './batch-metrics';

export interface CoalescerOptions<I> {
  /** The batch kind in metrics (`casino_batch_size{batch}`, `casino_batch_duration_seconds{batch}`). */
  name: string;
  /** The most inputs one batch takes. */
  maxBatchSize: number;
  /** Batches running at once; while they run, new inputs wait and then go together into the next one. */
  maxInFlight: number;
  /**
   * Inputs with one key never share a batch: a later one waits for a later batch. A batch then behaves as
   * if its inputs had run one after another, even when they concern the same thing.
   */
  keyOf?: (input: I) => string;
  /** Failures worth running the same batch again for (a deadlock, a serialization failure). */
  isRetryable?: (error: unknown) => boolean;
}

interface Waiting<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

const MAX_ATTEMPTS = 4;

/**
 * Group commit for one kind of statement: callers submit one input each and get their own output, while
 * the inputs submitted in one event-loop turn, or while a batch runs, are executed together by one set-based
 * call. Light load gives batches of one (waiting at most the rest of the turn); heavy load, fewer and larger
 * round trips. When a batch fails, its inputs are run one by one, so one bad input fails only its own caller.
 */
export class Coalescer<I, O> {
  private readonly queue: Waiting<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  public constructor(
    private readonly runBatch: (inputs: I[]) => Promise<O[]>,
    private readonly options: CoalescerOptions<I>,
  ) {}

  public submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedulePump();
    });
  }

  /** Inputs waiting or running. */
  public get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Starts batches after the current event-loop turn, so that every input submitted in it can go together. */
  private schedulePump(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  /** The next batch in arrival order, skipping inputs whose key is already in it. */
  private take(): Waiting<I, O>[] {
    const { keyOf, maxBatchSize } = this.options;
    if (!keyOf) return this.queue.splice(0, maxBatchSize);
    const keys = new Set<string>();
    const batch: Waiting<I, O>[] = [];
    for (let index = 0; index < this.queue.length && batch.length < maxBatchSize;) {
      const waiting = this.queue[index];
      const key = keyOf(waiting.input);
      if (keys.has(key)) {
        index += 1;
        continue;
      }
      keys.add(key);
      batch.push(waiting);
      this.queue.splice(index, 1);
    }
    return batch;
  }

  private async run(batch: Waiting<I, O>[]): Promise<void> {
    const startedAt = process.hrtime.bigint();
    try {
      const outputs = await this.executeWithRetries(batch.map((waiting) => waiting.input));
      observeBatch(this.options.name, batch.length, startedAt);
      batch.forEach((waiting, index) => waiting.resolve(outputs[index] as O));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      for (const waiting of batch) await this.run([waiting]);
    }
  }

  private async executeWithRetries(inputs: I[]): Promise<O[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const outputs = await this.runBatch(inputs);
        if (outputs.length !== inputs.length) {
          throw new Error(`a batch of ${inputs.length} answered ${outputs.length} outputs`);
        }
        return outputs;
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !this.options.isRetryable?.(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }
}
