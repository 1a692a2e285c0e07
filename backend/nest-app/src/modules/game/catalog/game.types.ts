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
  /** Provider-owned fields staff changed: the catalogue sync keeps staff's values until staff reset them. */
  staffOwnedFields: ProviderOwnedField[];
  createdAt: Date;
  updatedAt: Date;
}

/** The fields a provider's catalogue sets (and a sync refreshes), unless staff took them over. */
export const PROVIDER_OWNED_FIELDS = [
  'title',
  'category',
  'rtp',
  'volatility',
  'features',
  'thumbnailUrl',
  'blockedCountries',
  'demoAvailable',
] as const;
export type ProviderOwnedField = (typeof PROVIDER_OWNED_FIELDS)[number];

export function isProviderOwnedField(field: string): field is ProviderOwnedField {
  return (PROVIDER_OWNED_FIELDS as readonly string[]).includes(field);
}

/** Staff's filter over every game, enabled or not; newest first, keyset on (created_at, id). */
export interface StaffGameFilter {
  provider?: string;
  category?: string;
  enabled?: boolean;
  search?: string;
  after: { at: string; id: string } | null;
  limit: number;
}

/** A game staff add by hand: every provider-owned field is staff-owned from the start. */
export interface StaffNewGame {
  gameCode: string;
  title: string;
  category: string;
  rtp: string | null;
  volatility: Volatility | null;
  thumbnailUrl: string | null;
  tags: string[];
  enabled: boolean;
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
