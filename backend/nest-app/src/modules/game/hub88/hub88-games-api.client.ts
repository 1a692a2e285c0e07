import { DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import type { ProviderGame, Volatility } from '../catalog/game.types';
import type { GamesApiClient, LaunchRequest } from '../providers/games-api';
import type { ProviderRuntime } from '../providers/provider.types';
import { postToHub88 } from './hub88-operator-api';

const UNAVAILABLE = 'The game provider did not answer as expected';
const VOLATILITY_BY_NUMBER: Record<number, Volatility> = { 1: 'low', 2: 'low', 3: 'medium', 4: 'high', 5: 'very_high' };

/**
 * Hub88's Operator Games API: `POST /operator/generic/v2/game/list` and `/game/url`, each body signed
 * with our private key in `X-Hub88-Signature` (reference §3 "who signs what").
 */
@Injectable()
export class Hub88GamesApiClient implements GamesApiClient {
  public readonly protocol = 'hub88' as const;
  private readonly logger = new Logger(Hub88GamesApiClient.name);

  public async listGames(provider: ProviderRuntime): Promise<ProviderGame[]> {
    const body = await this.post(provider, '/operator/generic/v2/game/list', { operator_id: operatorIdOf(provider) });
    if (!Array.isArray(body)) throw unavailable(provider, 'game list is not an array');
    return body.flatMap((item) => {
      const game = toProviderGame(item);
      return game ? [game] : [];
    });
  }

  public async launchUrl(request: LaunchRequest): Promise<string> {
    const demo = request.mode === 'demo';
    const body = await this.post(request.provider, '/operator/generic/v2/game/url', {
      ...(demo ? {} : { user: request.userId, token: request.token }),
      operator_id: operatorIdOf(request.provider),
      game_code: request.game.gameCode,
      platform: request.platform === 'mobile' ? 'GPL_MOBILE' : 'GPL_DESKTOP',
      lang: request.language,
      lobby_url: request.lobbyUrl,
      ...(request.ip ? { ip: request.ip } : {}),
      // Hub88's fun currency is XXX (reference §2).
      currency: demo ? 'XXX' : request.currency,
      ...(request.country ? { country: request.country } : {}),
    });
    const url = (body as { url?: unknown } | null)?.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw unavailable(request.provider, 'no launch url');
    return url;
  }

  private post(provider: ProviderRuntime, path: string, payload: Record<string, unknown>): Promise<unknown> {
    return postToHub88(provider, path, payload, { api: 'games API', failure: UNAVAILABLE, logger: this.logger });
  }
}

function operatorIdOf(provider: ProviderRuntime): number {
  return Number(provider.operatorId ?? '0');
}

function unavailable(provider: ProviderRuntime, reason: string): DomainError {
  return new DomainError('GAME_PROVIDER_UNAVAILABLE', UNAVAILABLE, {
    provider: provider.code,
    reason,
  });
}

/** One entry of Hub88's game list, tolerant of absent optional fields; null when unusable. */
export function toProviderGame(item: unknown): ProviderGame | null {
  if (typeof item !== 'object' || item === null) return null;
  const game = item as Record<string, unknown>;
  const code = game['game_code'];
  const name = game['name'];
  if (typeof code !== 'string' || code.length === 0 || typeof name !== 'string') return null;
  const rtp = typeof game['rtp'] === 'number' || typeof game['rtp'] === 'string' ? Number(game['rtp']) : NaN;
  const features = Array.isArray(game['features'])
    ? game['features'].filter((f): f is string => typeof f === 'string')
    : [];
  if (game['freebet_support'] === true && !features.includes('freebets')) features.push('freebets');
  return {
    gameCode: code,
    title: name.slice(0, 200),
    category: typeof game['category'] === 'string' && game['category'] ? game['category'].slice(0, 50) : 'other',
    rtp: Number.isFinite(rtp) && rtp > 0 && rtp <= 100 ? rtp.toFixed(2) : null,
    volatility: volatilityOf(game['volatility']),
    features,
    thumbnailUrl: typeof game['url_thumb'] === 'string' ? game['url_thumb'] : null,
    blockedCountries: Array.isArray(game['blocked_countries'])
      ? game['blocked_countries'].filter((c): c is string => typeof c === 'string' && /^[A-Z]{2}$/.test(c))
      : [],
    demoAvailable: game['demo_game_support'] === true,
    enabled: game['enabled'] !== false,
  };
}

function volatilityOf(value: unknown): Volatility | null {
  if (typeof value === 'number') return VOLATILITY_BY_NUMBER[value] ?? null;
  if (typeof value === 'string') {
    const normalised = value.toLowerCase().replace(/[\s-]+/g, '_');
    return (['low', 'medium', 'high', 'very_high'] as const).find((v) => v === normalised) ?? null;
  }
  return null;
}
