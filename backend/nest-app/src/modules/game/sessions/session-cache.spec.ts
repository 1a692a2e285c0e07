import type { GameSessionRow } from './game-sessions.repository';
import { SESSION_CACHE_MS, SessionCache } from './session-cache';

const session = (lastActivityAt: Date): GameSessionRow => ({
  id: 'session-1',
  providerId: 'provider-1',
  gameId: 'game-1',
  gameCode: 'slot',
  userId: 'user-1',
  mode: 'real',
  platform: 'desktop',
  currency: 'EUR',
  status: 'open',
  createdAt: lastActivityAt,
  lastActivityAt,
});

describe('SessionCache (ADR 0011)', () => {
  const start = Date.parse('2026-11-27T10:00:00Z');

  it('answers an entry for a few seconds, then makes the caller read the database again', () => {
    const cache = new SessionCache();
    cache.put('k', session(new Date(start)), start);
    expect(cache.get('k', start + SESSION_CACHE_MS - 1)?.session.id).toBe('session-1');
    expect(cache.get('k', start + SESSION_CACHE_MS)).toBeNull();
    expect(cache.get('k', start)).toBeNull();
  });

  it('reloads when the clock moved backwards, and starts the touch clock at the stored activity', () => {
    const cache = new SessionCache();
    const entry = cache.put('k', session(new Date(start - 60_000)), start);
    expect(entry.touchedAt).toBe(start - 60_000);
    expect(cache.get('k', start - 1)).toBeNull();
  });

  it('forgets one entry or all of them', () => {
    const cache = new SessionCache();
    cache.put('a', session(new Date(start)), start);
    cache.put('b', session(new Date(start)), start);
    cache.forget('a');
    expect(cache.get('a', start)).toBeNull();
    expect(cache.get('b', start)).not.toBeNull();
    cache.clear();
    expect(cache.get('b', start)).toBeNull();
  });
});
