import type { VerifiedToken } from './access-token-verifier';

/**
 * Tokens already verified, by their exact text, until they expire: a player's client sends the same token on every
 * request for its whole life, and checking its HMAC, JSON and claims again each time was the edge's costliest step
 * per signed-in request. Only valid tokens are kept (an entry needs the signing secret to exist, so a flood of forged
 * tokens cannot fill it); at capacity the oldest entry leaves. A token's verdict can only change by expiring (the
 * secret is fixed for the process, and its `iat` only becomes more acceptable with time), which a hit re-checks.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  public constructor(private readonly capacity: number) {}

  /** The cached verdict, if the token is cached and not yet expired (as jsonwebtoken decides: exp <= now). */
  public get(token: string, nowSeconds: number): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= nowSeconds) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  public set(token: string, verified: VerifiedToken): void {
    if (this.entries.size >= this.capacity && !this.entries.has(token)) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(token, verified);
  }

  public get size(): number {
    return this.entries.size;
  }
}
