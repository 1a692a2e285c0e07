import type { GameSessionRow } from './game-sessions.repository';

/** How long a session read from the database answers wallet calls before it is read again. */
export const SESSION_CACHE_MS = 5_000;
/** The idle clock in the database moves at most this often per session (it may lag by this much). */
export const SESSION_TOUCH_INTERVAL_MS = 5_000;
const MAX_CACHED = 50_000;

interface Entry {
  session: GameSessionRow;
  loadedAt: number;
  /** When the database's `last_activity_at` was last moved (or read). */
  touchedAt: number;
}

/**
 * Wallet calls' token → session lookups, kept for a few seconds (ADR 0011). A provider calls several
 * times a second per player; reading and touching the session row on every call was two of the call's
 * round trips. The entry carries the last activity seen by this process, so idle expiry is computed
 * exactly here; the database's `last_activity_at` lags by at most `SESSION_TOUCH_INTERVAL_MS`, which
 * can only make another instance see a session as idle a few seconds early (TTL 30 min). Times come
 * from the app's Clock, so a clock moved backwards or forwards (tests) reloads the entry.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  public get(key: string, now: number): Entry | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (now < entry.loadedAt || now - entry.loadedAt >= SESSION_CACHE_MS) {
      this.entries.delete(key);
      return null;
    }
    return entry;
  }

  public put(key: string, session: GameSessionRow, now: number): Entry {
    if (this.entries.size >= MAX_CACHED) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const entry = { session, loadedAt: now, touchedAt: session.lastActivityAt.getTime() };
    this.entries.set(key, entry);
    return entry;
  }

  public forget(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry (a test that changes sessions behind the service's back). */
  public clear(): void {
    this.entries.clear();
  }
}
