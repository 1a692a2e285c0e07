import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import { ProvidersService, type Actor } from '../providers/providers.service';
import { decodeCursor, encodeCursor, sortValueOf } from './game-cursor';
import type { GameFilter, GameRecord, GameSort, ProviderOwnedField, StaffGameFilter, StaffNewGame } from './game.types';
import { GamesRepository, type GameDimension, type GameChanges } from './games.repository';

export interface GamePage {
  items: GameRecord[];
  nextCursor?: string;
}

export interface GameQuery extends Omit<GameFilter, 'cursor'> {
  cursor?: string;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Browsing the catalog, and staff edits to it (audited). */
@Injectable()
export class GamesService {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly games: GamesRepository,
    private readonly auditLog: AuditLog,
    private readonly providers: ProvidersService,
  ) {}

  public async list(query: GameQuery): Promise<GamePage> {
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort);
    const rows = await this.games.listEnabled({ ...query, cursor, limit: query.limit + 1 });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    if (rows.length <= query.limit || !last) return { items };
    return { items, nextCursor: encodeCursor({ sort: query.sort, value: sortValueOf(last, query.sort), id: last.id }) };
  }

  /** Reporting dimensions of the games changed since `since` (the report module copies them to ClickHouse). */
  public dimensionsChangedSince(since: Date): Promise<GameDimension[]> {
    return this.games.listDimensions(since);
  }

  /** An enabled game (players and visitors); staff see disabled ones through `getAny`. */
  public async getEnabled(id: string): Promise<GameRecord> {
    const game = await this.getAny(id);
    if (!game.enabled) throw new DomainError('GAME_NOT_FOUND', 'No such game', { id });
    return game;
  }

  public async getAny(id: string): Promise<GameRecord> {
    const game = UUID_PATTERN.test(id) ? await this.games.findById(id) : null;
    if (!game) throw new DomainError('GAME_NOT_FOUND', 'No such game', { id });
    return game;
  }

  /** Every game for staff, newest first (`limit + 1` rows: the caller pages). */
  public listForStaff(filter: StaffGameFilter): Promise<(GameRecord & { cursorAt: string })[]> {
    return this.games.listForStaff(filter);
  }

  /** A game staff add by hand under a registered provider (audited); its provider fields are staff-owned. */
  public async createByStaff(providerCode: string, game: StaffNewGame, actor: Actor): Promise<GameRecord> {
    const provider = await this.providers.get(providerCode);
    return this.dataSource.transaction(async (manager) => {
      const created = await this.games.insertByStaff(manager, { id: provider.id, code: provider.code }, game);
      if (!created) throw new DomainError('GAME_EXISTS', 'This provider already has a game with this code');
      await this.audit(manager, actor, 'game.create', created.id, { game });
      return created;
    });
  }

  /** Hands provider-owned fields back to the catalogue sync (audited); their values change at the next sync. */
  public async releaseStaffFields(id: string, fields: ProviderOwnedField[], actor: Actor): Promise<GameRecord> {
    const before = await this.getAny(id);
    return this.dataSource.transaction(async (manager) => {
      const updated = await this.games.releaseStaffFields(manager, id, fields);
      if (!updated) throw new DomainError('GAME_NOT_FOUND', 'No such game', { id });
      await this.audit(manager, actor, 'game.fields.reset', id, {
        fields,
        before: { staffOwnedFields: before.staffOwnedFields },
        after: { staffOwnedFields: updated.staffOwnedFields },
      });
      return updated;
    });
  }

  private audit(
    manager: EntityManager,
    actor: Actor,
    action: string,
    gameId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    return this.auditLog.record(
      {
        actorId: actor.user?.userId ?? null,
        actorRoles: actor.user?.roles ?? [],
        action,
        targetType: 'game',
        targetId: gameId,
        requestId: actor.requestId,
        details,
      },
      manager,
    );
  }

  public async edit(id: string, changes: GameChanges, actor: Actor): Promise<GameRecord> {
    await this.getAny(id);
    return this.dataSource.transaction(async (manager) => {
      const updated = await this.games.update(id, changes, manager);
      if (!updated) throw new DomainError('GAME_NOT_FOUND', 'No such game', { id });
      await this.auditLog.record(
        {
          actorId: actor.user?.userId ?? null,
          actorRoles: actor.user?.roles ?? [],
          action:
            changes.enabled === undefined || Object.keys(changes).length > 1
              ? 'game.edit'
              : changes.enabled
                ? 'game.enable'
                : 'game.disable',
          targetType: 'game',
          targetId: id,
          requestId: actor.requestId,
          details: { changes },
        },
        manager,
      );
      return updated;
    });
  }
}

export function isGameSort(value: string): value is GameSort {
  return value === 'title' || value === 'popularity' || value === 'newest';
}
