import { ApiError, type ApiErrorBody } from './api-error';
import { sessionStore, type TokenPair } from './session-store';

export const API_ROOT = '/api/v1';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send no bearer token (sign-in routes). */
  anonymous?: boolean;
  /** A bearer token to use instead of the stored session's (TOTP enrolment before the session is kept). */
  accessToken?: string;
}

/** One refresh at a time: parallel requests that all got 401 wait for the same new token pair. */
let refreshing: Promise<TokenPair | null> | null = null;

/** The one function that talks HTTP to the API: bearer token, JSON, ADR 0009 errors, one refresh on 401. */
export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options, bearerOf(options));
  if (response.status === 401 && !options.anonymous && !options.accessToken && sessionStore.read()) {
    const renewed = await refreshOnce();
    if (renewed) return parse<T>(await send(path, options, renewed.accessToken));
  }
  return parse<T>(response);
}

function bearerOf(options: RequestOptions): string | undefined {
  if (options.anonymous) return undefined;
  return options.accessToken ?? sessionStore.read()?.accessToken;
}

function send(path: string, options: RequestOptions, accessToken: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  return fetch(`${API_ROOT}${path}${queryString(options.query)}`, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body: unknown = text ? safeJson(text) : null;
  if (!response.ok) throw new ApiError(response.status, (body as ApiErrorBody | null) ?? null);
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function refreshOnce(): Promise<TokenPair | null> {
  refreshing ??= (async () => {
    const current = sessionStore.read();
    if (!current) return null;
    const response = await send(
      '/auth/refresh',
      { method: 'POST', body: { refreshToken: current.refreshToken } },
      undefined,
    );
    if (!response.ok) {
      sessionStore.clear();
      return null;
    }
    const tokens = (await response.json()) as TokenPair;
    sessionStore.write({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
    return tokens;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** `?a=1&kind=x&kind=y`; empty values are left out, arrays repeat the key. */
export function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item === undefined || item === null || item === '') continue;
      params.append(key, String(item));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
