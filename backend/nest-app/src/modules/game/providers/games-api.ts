import type { GameRecord, ProviderGame } from '../catalog/game.types';
import type { ProviderProtocol, ProviderRuntime } from './provider.types';

export interface LaunchRequest {
  provider: ProviderRuntime;
  game: GameRecord;
  mode: 'real' | 'demo';
  platform: 'desktop' | 'mobile';
  language: string;
  /** The session token the provider sends back in wallet calls; null in demo mode. */
  token: string | null;
  userId: string | null;
  currency: string | null;
  country: string | null;
  /** The player's address; null when the request gave none, and then not sent to the provider. */
  ip: string | null;
  lobbyUrl: string;
}

/** Our calls to a provider's games API (game list, launch URL), one implementation per protocol. */
export interface GamesApiClient {
  readonly protocol: ProviderProtocol;
  listGames(provider: ProviderRuntime): Promise<ProviderGame[]>;
  launchUrl(request: LaunchRequest): Promise<string>;
}

export const GAMES_API_CLIENTS = Symbol('GAMES_API_CLIENTS');
