import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  PROVIDER_OWNED_FIELDS,
  isProviderOwnedField,
  type GameFilter,
  type GameRecord,
  type GameSort,
  type ProviderGame,
  type ProviderOwnedField,
  type StaffGameFilter,
  type StaffNewGame,
} from './game.types';

const COLUMNS = `id, provider_id AS "providerId", provider_code AS "providerCode", game_code AS "gameCode", title,
  category, rtp::text AS rtp, volatility, features, thumbnail_url AS "thumbnailUrl", tags, enabled,
  blocked_countries AS "blockedCountries", demo_available AS "demoAvailable", popularity,
  staff_owned_fields AS "staffOwnedFields", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Column of each provider-owned field, and how a sync sets it: staff's value while staff own the field. */
const PROVIDER_COLUMNS: Record<ProviderOwnedField, string> = {
  title: 'title',
  category: 'category',
  rtp: 'rtp',
  volatility: 'volatility',
  features: 'features',
  thumbnailUrl: 'thumbnail_url',
  blockedCountries: 'blocked_countries',
  demoAvailable: 'demo_available',
};

function syncedValue(field: ProviderOwnedField): string {
  const column = PROVIDER_COLUMNS[field];
  return `CASE WHEN '${field}' = ANY (games.staff_owned_fields) THEN games.${column} ELSE EXCLUDED.${column} END`;
}

const SYNC_ASSIGNMENTS = PROVIDER_OWNED_FIELDS.map(
  (field) => `${PROVIDER_COLUMNS[field]} = ${syncedValue(field)}`,
).join(', ');
const SYNC_CURRENT = PROVIDER_OWNED_FIELDS.map((field) => `games.${PROVIDER_COLUMNS[field]}`).join(', ');
const SYNC_NEW = PROVIDER_OWNED_FIELDS.map(syncedValue).join(', ');

/** Keyset order of each sort; each matches a partial index of the migration (`WHERE enabled`). */
const ORDER: Record<GameSort, { order: string; after: string }> = {
  title: { order: 'title ASC, id ASC', after: '(title, id) > ($V, $I::uuid)' },
  popularity: {
    order: 'popularity DESC, id ASC',
    after: '(popularity < $V::int OR (popularity = $V::int AND id > $I::uuid))',
  },
  newest: {
    order: 'created_at DESC, id ASC',
    after: '(created_at < $V::timestamptz OR (created_at = $V::timestamptz AND id > $I::uuid))',
  },
};

export type GameChanges = Partial<
  Pick<
    GameRecord,
    | 'title'
    | 'category'
    | 'rtp'
    | 'volatility'
    | 'features'
    | 'thumbnailUrl'
    | 'tags'
    | 'enabled'
    | 'blockedCountries'
    | 'demoAvailable'
    | 'popularity'
  >
>;

const CHANGE_COLUMNS: Record<keyof GameChanges, string> = {
  title: 'title',
  category: 'category',
  rtp: 'rtp',
  volatility: 'volatility',
  features: 'features',
  thumbnailUrl: 'thumbnail_url',
  tags: 'tags',
  enabled: 'enabled',
  blockedCountries: 'blocked_countries',
  demoAvailable: 'demo_available',
  popularity: 'popularity',
};

/** What reports group a game's money by (ClickHouse `games`). */
export interface GameDimension {
  providerCode: string;
  gameCode: string;
  category: string;
  title: string;
  updatedAt: Date;
}

/** The game catalog. The browsing query is the hot path: plain SQL on partial indexes. */
@Injectable()
export class GamesRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** Enabled games matching the filter, in the sort's order, after the cursor; `limit` rows at most. */
  public async listEnabled(filter: GameFilter): Promise<GameRecord[]> {
    const conditions = ['enabled'];
    const values: unknown[] = [];
    const bind = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    if (filter.provider) conditions.push(`provider_code = ${bind(filter.provider)}`);
    if (filter.category) conditions.push(`category = ${bind(filter.category)}`);
    if (filter.tag) conditions.push(`tags @> ARRAY[${bind(filter.tag)}]::text[]`);
    if (filter.search) conditions.push(`lower(title) LIKE ${bind(`%${escapeLike(filter.search.toLowerCase())}%`)}`);
    const order = ORDER[filter.sort];
    if (filter.cursor) {
      const value = bind(filter.cursor.value);
      const id = bind(filter.cursor.id);
      conditions.push(order.after.replaceAll('$V', value).replaceAll('$I', id));
    }
    const sql = `SELECT ${COLUMNS} FROM games WHERE ${conditions.join(' AND ')} ORDER BY ${order.order} LIMIT ${bind(filter.limit)}`;
    return (await this.dataSource.query(sql, values)) as GameRecord[];
  }

  /** Every game's reporting dimensions (enabled or not: past bets keep their game), changed since `since`. */
  public async listDimensions(since: Date): Promise<GameDimension[]> {
    return (await this.dataSource.query(
      `SELECT provider_code AS "providerCode", game_code AS "gameCode", category, title, updated_at AS "updatedAt"
         FROM games WHERE updated_at >= $1 ORDER BY updated_at, id`,
      [since],
    )) as GameDimension[];
  }

  public async findById(id: string): Promise<GameRecord | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM games WHERE id = $1`, [id])) as GameRecord[];
    return rows[0] ?? null;
  }

  public async findByCode(providerId: string, gameCode: string): Promise<GameRecord | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM games WHERE provider_id = $1 AND game_code = $2`,
      [providerId, gameCode],
    )) as GameRecord[];
    return rows[0] ?? null;
  }

  public async update(id: string, changes: GameChanges, manager: EntityManager): Promise<GameRecord | null> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as [
      keyof GameChanges,
      unknown,
    ][];
    const sets = entries.map(([key], index) => `${CHANGE_COLUMNS[key]} = $${index + 2}`);
    const owned = entries.map(([key]) => key).filter(isProviderOwnedField);
    const ownership = `staff_owned_fields = ARRAY(SELECT DISTINCT f FROM unnest(staff_owned_fields || $${entries.length + 2}::text[]) f ORDER BY f)`;
    const result = (await manager.query(
      `UPDATE games SET ${[...sets, ownership, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, ...entries.map(([, value]) => value), owned],
    )) as [GameRecord[], number];
    return result[0][0] ?? null;
  }

  /**
   * Inserts new games and refreshes what the provider owns of known ones; what staff own (tags,
   * popularity, `enabled` once set, and every provider field staff edited) is kept. Answers how many rows were
   * inserted or changed.
   */
  public async upsertFromProvider(providerId: string, providerCode: string, games: ProviderGame[]): Promise<number> {
    if (games.length === 0) return 0;
    const result = (await this.dataSource.query(
      `INSERT INTO games (provider_id, provider_code, game_code, title, category, rtp, volatility, features,
                          thumbnail_url, blocked_countries, demo_available, enabled)
       SELECT $1, $2, g.game_code, g.title, g.category, g.rtp::numeric, g.volatility, g.features, g.thumbnail_url,
              g.blocked_countries, g.demo_available, g.enabled
         FROM jsonb_to_recordset($3::jsonb) AS g(game_code text, title text, category text, rtp text, volatility text,
              features text[], thumbnail_url text, blocked_countries text[], demo_available boolean, enabled boolean)
       ON CONFLICT (provider_id, game_code) DO UPDATE SET ${SYNC_ASSIGNMENTS}, updated_at = now()
       WHERE (${SYNC_CURRENT}) IS DISTINCT FROM (${SYNC_NEW})
       RETURNING id`,
      [providerId, providerCode, JSON.stringify(games.map(toRecordset))],
    )) as unknown[];
    return result.length;
  }

  /** Every game, enabled or not, for staff (the admin module's game routes). */
  public async listForStaff(
    filter: StaffGameFilter,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<(GameRecord & { cursorAt: string })[]> {
    const values: unknown[] = [];
    const bind = (value: unknown): string => `$${values.push(value)}`;
    const conditions = ['true'];
    if (filter.provider) conditions.push(`provider_code = ${bind(filter.provider)}`);
    if (filter.category) conditions.push(`category = ${bind(filter.category)}`);
    if (filter.enabled !== undefined) conditions.push(`enabled = ${bind(filter.enabled)}`);
    if (filter.search) conditions.push(`lower(title) LIKE ${bind(`%${escapeLike(filter.search.toLowerCase())}%`)}`);
    if (filter.after) {
      conditions.push(`(created_at, id) < (${bind(filter.after.at)}::timestamptz, ${bind(filter.after.id)}::uuid)`);
    }
    return (await manager.query(
      `SELECT ${COLUMNS}, created_at::text AS "cursorAt" FROM games WHERE ${conditions.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT ${bind(filter.limit + 1)}`,
      values,
    )) as (GameRecord & { cursorAt: string })[];
  }

  /** Null when the provider already has a game with this code. */
  public async insertByStaff(
    manager: EntityManager,
    provider: { id: string; code: string },
    game: StaffNewGame,
  ): Promise<GameRecord | null> {
    const rows = (await manager.query(
      `INSERT INTO games (provider_id, provider_code, game_code, title, category, rtp, volatility, features, thumbnail_url,
                          tags, blocked_countries, demo_available, enabled, staff_owned_fields)
       VALUES ($1, $2, $3, $4, $5, $6::numeric, $7, '{}', $8, $9, '{}', false, $10, $11)
       ON CONFLICT (provider_id, game_code) DO NOTHING RETURNING ${COLUMNS}`,
      [
        provider.id,
        provider.code,
        game.gameCode,
        game.title,
        game.category,
        game.rtp,
        game.volatility,
        game.thumbnailUrl,
        game.tags,
        game.enabled,
        [...PROVIDER_OWNED_FIELDS],
      ],
    )) as GameRecord[];
    return rows[0] ?? null;
  }

  /** Hands fields back to the provider: the next sync sets them from its catalogue again. */
  public async releaseStaffFields(
    manager: EntityManager,
    id: string,
    fields: ProviderOwnedField[],
  ): Promise<GameRecord | null> {
    const result = (await manager.query(
      `UPDATE games SET staff_owned_fields = ARRAY(SELECT f FROM unnest(staff_owned_fields) f WHERE NOT (f = ANY ($2::text[])) ORDER BY f),
              updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, fields],
    )) as [GameRecord[], number];
    return result[0][0] ?? null;
  }
}

function toRecordset(game: ProviderGame): Record<string, unknown> {
  return {
    game_code: game.gameCode,
    title: game.title,
    category: game.category,
    rtp: game.rtp,
    volatility: game.volatility,
    features: game.features,
    thumbnail_url: game.thumbnailUrl,
    blocked_countries: game.blockedCountries,
    demo_available: game.demoAvailable,
    enabled: game.enabled,
  };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
