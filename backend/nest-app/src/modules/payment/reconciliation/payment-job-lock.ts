import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * One process at a time per payment job (reconciliation, deposit expiry), without a transaction: a session-level
 * PostgreSQL advisory lock taken on a connection of its own, which stays idle (not "idle in transaction") while the
 * job calls the PSPs, and is unlocked when the job ends. A connection lost meanwhile ends its session, and with it the
 * lock. The lock only spares the PSPs duplicate calls: the job's writes are short transactions under the intents' row
 * locks that re-check what they change, so two runs at once (or a run and a webhook) still apply each outcome once.
 */
@Injectable()
export class PaymentJobLock {
  private readonly logger = new Logger(PaymentJobLock.name);

  public constructor(private readonly dataSource: DataSource) {}

  /** The job's result, or null when another process holds the job's lock. */
  public async runExclusive<T>(job: string, run: () => Promise<T>): Promise<T | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let held = false;
    try {
      const [lock] = (await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS acquired`, [job])) as {
        acquired: boolean;
      }[];
      held = lock?.acquired === true;
      return held ? await run() : null;
    } finally {
      if (held) {
        await runner
          .query(`SELECT pg_advisory_unlock(hashtext($1))`, [job])
          .catch((error: unknown) => this.logger.warn({ err: error, job }, 'could not unlock a payment job'));
      }
      await runner.release();
    }
  }
}
