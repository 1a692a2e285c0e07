import { Inject, Injectable, Logger } from '@nestjs/common';
import { GAMES_API_CLIENTS, type GamesApiClient } from '../providers/games-api';
import { ProvidersService } from '../providers/providers.service';
import { GamesRepository } from './games.repository';

export interface SyncReport {
  provider: string;
  received: number;
  changed: number;
  error?: string;
}

/** Pulls every active provider's game list through its games API into the catalog. */
@Injectable()
export class CatalogSyncService {
  private readonly logger = new Logger(CatalogSyncService.name);

  public constructor(
    private readonly providers: ProvidersService,
    private readonly games: GamesRepository,
    @Inject(GAMES_API_CLIENTS) private readonly clients: GamesApiClient[],
  ) {}

  public async syncAll(): Promise<SyncReport[]> {
    const reports: SyncReport[] = [];
    for (const provider of await this.providers.activeRuntimes()) {
      const client = this.clients.find((candidate) => candidate.protocol === provider.protocol);
      if (!client || !provider.apiBaseUrl) continue;
      try {
        const list = await client.listGames(provider);
        const changed = await this.games.upsertFromProvider(provider.id, provider.code, list);
        reports.push({ provider: provider.code, received: list.length, changed });
      } catch (error) {
        this.logger.warn({ provider: provider.code, err: error }, 'game list sync failed');
        reports.push({
          provider: provider.code,
          received: 0,
          changed: 0,
          error: error instanceof Error ? error.message : 'failed',
        });
      }
    }
    this.logger.log({ reports }, 'game catalog synced');
    return reports;
  }
}
