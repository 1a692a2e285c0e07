import { CLICKHOUSE_CLIENT } from '@casino/platform';
import type { ClickHouseClient } from '@clickhouse/client';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { GamesService } from '../game';

/**
 * Copies the game catalogue's reporting dimensions (category, title) into ClickHouse's `games`, which the report
 * queries join for the category dimension (and the UKGC return's products). Rows are versioned by the game's
 * `updated_at`, so a copy sent twice or out of order changes nothing (`argMax(category, version)`); each run sends
 * only the games changed since the last one.
 */
@Injectable()
export class GamesDimensionSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GamesDimensionSync.name);
  private timer?: NodeJS.Timeout;
  private since = new Date(0);
  private running?: Promise<number>;

  public constructor(
    private readonly games: GamesService,
    @Inject(CLICKHOUSE_CLIENT) private readonly clickhouse: ClickHouseClient,
    private readonly config: AppConfig,
  ) {}

  public onApplicationBootstrap(): void {
    const seconds = this.config.REPORT_GAMES_SYNC_INTERVAL_SECONDS;
    if (seconds === 0) return;
    const tick = (): void => {
      this.sync().catch((error: unknown) =>
        this.logger.warn({ err: error }, 'games dimension not copied; next run retries'),
      );
    };
    tick();
    this.timer = setInterval(tick, seconds * 1000);
    this.timer.unref();
  }

  public async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Sends the games changed since the last run; returns how many. One run at a time. */
  public async sync(): Promise<number> {
    this.running ??= this.copyChanged().finally(() => (this.running = undefined));
    return this.running;
  }

  private async copyChanged(): Promise<number> {
    const changed = await this.games.dimensionsChangedSince(this.since);
    if (changed.length === 0) return 0;
    await this.clickhouse.insert({
      table: 'games',
      format: 'JSONEachRow',
      values: changed.map((game) => ({
        provider: game.providerCode,
        game_code: game.gameCode,
        category: game.category,
        title: game.title,
        version: new Date(game.updatedAt).getTime(),
      })),
    });
    this.since = new Date(Math.max(...changed.map((game) => new Date(game.updatedAt).getTime())));
    return changed.length;
  }
}
