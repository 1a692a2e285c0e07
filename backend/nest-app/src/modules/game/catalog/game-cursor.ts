import { DomainError } from '@casino/contracts';
import { GAME_SORTS, type GameCursor, type GameRecord, type GameSort } from './game.types';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function sortValueOf(game: GameRecord, sort: GameSort): string {
  switch (sort) {
    case 'title':
      return game.title;
    case 'popularity':
      return String(game.popularity);
    case 'newest':
      return game.createdAt.toISOString();
  }
}

/** An opaque cursor: base64url JSON of the sort, its key and the id of the last game shown. */
export function encodeCursor(cursor: GameCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.id])).toString('base64url');
}

/** GAME_CURSOR_INVALID for anything `encodeCursor` did not make for this sort. */
export function decodeCursor(text: string, sort: GameSort): GameCursor {
  const invalid = (): DomainError => new DomainError('GAME_CURSOR_INVALID', 'The cursor is not valid for this listing');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [cursorSort, value, id] = parsed as unknown[];
  if (cursorSort !== sort || !(GAME_SORTS as readonly unknown[]).includes(cursorSort)) throw invalid();
  if (typeof value !== 'string' || typeof id !== 'string' || !UUID_PATTERN.test(id)) throw invalid();
  if (sort === 'popularity' && !/^-?\d{1,10}$/.test(value)) throw invalid();
  if (sort === 'newest' && Number.isNaN(Date.parse(value))) throw invalid();
  return { sort, value, id };
}
