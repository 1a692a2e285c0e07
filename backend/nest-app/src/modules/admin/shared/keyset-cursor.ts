import { DomainError } from '@casino/contracts';

/** A keyset position: the sort value as PostgreSQL printed it (exact, microseconds kept) and the row id. */
export interface KeysetPosition {
  at: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

/** ADMIN_CURSOR_INVALID for anything this module did not hand out. */
export function decodeCursor(cursor: string | undefined): KeysetPosition | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(value) && value.length === 2) {
      const [at, id] = value as unknown[];
      if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && UUID.test(id)) {
        return { at, id };
      }
    }
  } catch {
    // falls through to the error below
  }
  throw new DomainError('ADMIN_CURSOR_INVALID', 'The cursor is not one this list handed out');
}

/** The page and the cursor of the next one: rows were read with `limit + 1` to know whether one follows. */
export function pageOf<T extends { cursorAt: string }>(
  rows: T[],
  limit: number,
  idOf: (row: T) => string,
): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: rows.length > limit && last ? encodeCursor({ at: last.cursorAt, id: idOf(last) }) : null,
  };
}
