/** The staff session's tokens, kept for the browser tab only (sessionStorage): closing the tab signs out. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

const KEY = 'backoffice.session';

export const sessionStore = {
  read(): TokenPair | null {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    try {
      const parsed = JSON.parse(raw) as Partial<TokenPair>;
      return parsed.accessToken && parsed.refreshToken
        ? { accessToken: parsed.accessToken, refreshToken: parsed.refreshToken }
        : null;
    } catch {
      return null;
    }
  },
  write(tokens: TokenPair): void {
    sessionStorage.setItem(KEY, JSON.stringify(tokens));
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};
