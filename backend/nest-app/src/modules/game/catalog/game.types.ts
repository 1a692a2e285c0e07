export const GAME_SORTS = ['title', 'popularity', 'newest'] as const;
export type GameSort = (typeof GAME_SORTS)[number];
export const VOLATILITIES = ['low', 'medium', 'high', 'very_high'] as const;
export type Volatility = (typeof VOLATILITIES)[number];

export interface GameRecord {
  id: string;
  providerId: string;
  providerCode: string;
  gameCode: string;
  title: string;
  category: string;
  /** Percent with two decimals, as text ("96.50"); not money, but never a float either. */
  rtp: string | null;
  volatility: Volatility | null;
  features: string[];
  thumbnailUrl: string | null;
  tags: string[];
  enabled: boolean;
  blockedCountries: string[];
  demoAvailable: boolean;
  popularity: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface GameFilter {
  provider?: string;
  category?: string;
  tag?: string;
  search?: string;
  sort: GameSort;
  limit: number;
  cursor?: GameCursor;
}

/** Where the previous page ended: the sort key and id of its last game. */
export interface GameCursor {
  sort: GameSort;
  value: string;
  id: string;
}

/** What a provider's games API says about one game; the fields staff own (enabled, tags, popularity) are not here. */
export interface ProviderGame {
  gameCode: string;
  title: string;
  category: string;
  rtp: string | null;
  volatility: Volatility | null;
  features: string[];
  thumbnailUrl: string | null;
  blockedCountries: string[];
  demoAvailable: boolean;
  enabled: boolean;
}
