import { DomainError } from '@casino/contracts';
import { decodeCursor, encodeCursor } from './game-cursor';

describe('game cursors', () => {
  const id = '7d8f5e1a-3b0c-4c5e-9a51-1c2d3e4f5a6b';

  it('round-trips each sort', () => {
    for (const [sort, value] of [
      ['title', 'Book of Dead'],
      ['popularity', '42'],
      ['newest', '2025-11-27T10:00:00.000Z'],
    ] as const) {
      expect(decodeCursor(encodeCursor({ sort, value, id }), sort)).toEqual({ sort, value, id });
    }
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['a cursor of another sort', encodeCursor({ sort: 'title', value: 'x', id })],
    ['a non-numeric popularity', Buffer.from(JSON.stringify(['popularity', 'x', id])).toString('base64url')],
    ['a bad id', Buffer.from(JSON.stringify(['popularity', '1', "1' OR 1=1"])).toString('base64url')],
  ])('refuses %s', (_label, text) => {
    expect(() => decodeCursor(text, 'popularity')).toThrow(DomainError);
  });
});
