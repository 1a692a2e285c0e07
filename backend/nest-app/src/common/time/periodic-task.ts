import type { Logger } from '@nestjs/common';

/**
 * A background task of this process run every so many seconds (sweeps, jobs): one run at a time (a tick while one
 * runs is skipped), a failed run logged and left to the next tick, and `stop` waiting for the run in progress so a
 * shutdown does not cut a transaction's caller off. The work itself must be safe when another instance runs it too.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;

  public constructor(
    private readonly what: string,
    private readonly logger: Logger,
    private readonly run: () => Promise<unknown>,
  ) {}

  /** Every `seconds`; 0 never. */
  public start(seconds: number): void {
    if (seconds <= 0 || this.timer) return;
    this.timer = setInterval(() => this.tick(), seconds * 1000);
    this.timer.unref();
  }

  public async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.current;
  }

  private tick(): void {
    if (this.current) return;
    this.current = this.run()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error }, `${this.what} failed; the next run retries`))
      .finally(() => (this.current = null));
  }
}
