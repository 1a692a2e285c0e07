import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { PeriodicTask } from '../../../common/time/periodic-task';
import { AppConfig } from '../../../config/app-config';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import { GameSessionsRepository } from './game-sessions.repository';
import { sessionClosedEvent } from './session-closed-event';
import { SESSION_TOUCH_INTERVAL_MS } from './session-cache';

const SWEEP_BATCH = 500;

/**
 * Closes the sessions idle past GAME_SESSION_IDLE_TTL_SECONDS every GAME_SESSION_SWEEP_INTERVAL_SECONDS, so that
 * `game.session.closed` (and what is computed from it) does not wait for a provider call that may never come. Each
 * batch closes its rows and writes their events in one transaction, under row locks taken with SKIP LOCKED and the
 * `status = 'open'` condition: two instances sweeping at once, or a sweep and a wallet call's own expiry, close a
 * session and emit its event once. The cutoff allows for the database's idle clock lagging the instances' caches by
 * up to SESSION_TOUCH_INTERVAL_MS, so no instance still sees a swept session as active.
 */
@Injectable()
export class GameSessionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GameSessionSweeper.name);
  private readonly periodic = new PeriodicTask('game session sweep', this.logger, () => this.closeIdle());

  public constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: GameSessionsRepository,
    private readonly outbox: OutboxWriter,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  public onApplicationBootstrap(): void {
    this.periodic.start(this.config.GAME_SESSION_SWEEP_INTERVAL_SECONDS);
  }

  public async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  /** Closes every session idle past the TTL now; answers how many this call closed. */
  public async closeIdle(): Promise<number> {
    const now = this.clock.now();
    const cutoff = new Date(
      now.getTime() - this.config.GAME_SESSION_IDLE_TTL_SECONDS * 1000 - SESSION_TOUCH_INTERVAL_MS,
    );
    let closed = 0;
    for (;;) {
      const batch = await this.dataSource.transaction(async (manager) => {
        const rows = await this.sessions.closeIdle(cutoff, now, SWEEP_BATCH, manager);
        const events = rows.map((row) => sessionClosedEvent(row, row.providerCode, 'expired', now));
        if (events.length > 0) await this.outbox.append(manager, 'game', events);
        return rows.length;
      });
      closed += batch;
      if (batch < SWEEP_BATCH) break;
    }
    if (closed > 0) this.logger.log({ closed }, 'idle game sessions closed');
    return closed;
  }
}
