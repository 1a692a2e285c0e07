import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { Actor } from '../providers/providers.service';
import { decodeCursor, encodeCursor, sortValueOf } from './game-cursor';
import type { GameFilter, GameRecord, GameSort } from './game.types';
import { GamesRepository, type GameChanges } from './games.repository';

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
  ) {}

  public async list(query: GameQuery): Promise<GamePage> {
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort);
    const rows = await this.games.listEnabled({ ...query, cursor, limit: query.limit + 1 });
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    if (rows.length <= query.limit || !last) return { items };
    return { items, nextCursor: encodeCursor({ sort: query.sort, value: sortValueOf(last, query.sort), id: last.id }) };
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
