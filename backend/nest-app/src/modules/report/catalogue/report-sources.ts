/**
 * The rollups of ClickHouse migrations 003 and 008 a measure can be read from. Each names the columns its dimensions map to;
 * a dimension missing from a source cannot split or filter that source's measures (REPORT_DIMENSION_NOT_APPLICABLE).
 */
export type ReportSourceName = 'gaming' | 'money' | 'bettors' | 'depositors' | 'first_deposits' | 'bonus';

export type DimensionColumn =
  | 'currency'
  | 'provider'
  | 'payment_method'
  | 'game_code'
  | 'game_category'
  | 'country'
  | 'brand'
  | 'player_country'
  | 'player_brand';

export interface ReportSource {
  /** The column holding the event time (a 15-minute UTC bucket, or the first deposit's time). */
  timeColumn: 'bucket' | 'first_time';
  /** Dimension name -> column of this source. */
  columns: Partial<Record<string, DimensionColumn>>;
}

const EVERYWHERE = { currency: 'currency', country: 'country', brand: 'brand' } as const;
const GAME = { ...EVERYWHERE, game: 'game_code', provider: 'provider', category: 'game_category' } as const;

export const REPORT_SOURCES: Record<ReportSourceName, ReportSource> = {
  gaming: { timeColumn: 'bucket', columns: GAME },
  bettors: { timeColumn: 'bucket', columns: GAME },
  money: {
    timeColumn: 'bucket',
    columns: { ...EVERYWHERE, payment_provider: 'provider', payment_method: 'payment_method' },
  },
  depositors: { timeColumn: 'bucket', columns: { ...EVERYWHERE, payment_provider: 'provider' } },
  bonus: { timeColumn: 'bucket', columns: EVERYWHERE },
  first_deposits: {
    timeColumn: 'first_time',
    columns: { currency: 'currency', country: 'player_country', brand: 'player_brand' },
  },
};
