import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { ProviderGame } from '../catalog/game.types';
import type { GamesApiClient, LaunchRequest } from '../providers/games-api';
import type { ProviderRuntime } from '../providers/provider.types';

/**
 * Games API of action-batch providers: the catalog is kept by staff (no list endpoint is assumed) and
 * the launch URL is the provider's game URL with our session token, as such providers document it.
 */
@Injectable()
export class ActionsGamesApiClient implements GamesApiClient {
  public readonly protocol = 'actions' as const;

  public listGames(_provider: ProviderRuntime): Promise<ProviderGame[]> {
    return Promise.resolve([]);
  }

  public launchUrl(request: LaunchRequest): Promise<string> {
    if (!request.provider.apiBaseUrl) {
      throw new DomainError('GAME_PROVIDER_UNAVAILABLE', 'The game provider has no URL', {
        provider: request.provider.code,
      });
    }
    const url = new URL(`games/${encodeURIComponent(request.game.gameCode)}`, withSlash(request.provider.apiBaseUrl));
    url.searchParams.set('mode', request.mode);
    url.searchParams.set('locale', request.language);
    url.searchParams.set('client_type', request.platform);
    if (request.token) url.searchParams.set('session_id', request.token);
    if (request.currency) url.searchParams.set('currency', request.currency);
    if (request.userId) url.searchParams.set('user_id', request.userId);
    url.searchParams.set('return_url', request.lobbyUrl);
    return Promise.resolve(url.toString());
  }
}

function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}
