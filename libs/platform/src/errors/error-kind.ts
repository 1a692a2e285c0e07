/** Identifiers such as `TypeError`, `ECONNREFUSED` or `EENVELOPE`: never data. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,40}$/;

/**
 * What kind of error this is, never what it says: the system error code behind it (fetch's "fetch failed"
 * hides `ECONNREFUSED` in its cause) or its class name. Messages of libraries may quote what they were
 * given: fetch quotes a header value it refuses (the token) and a URL with credentials. Duck-typed, as
 * errors may come from another realm.
 */
export function errorKind(error: unknown): string {
  const code = identifierProperty(propertyOf(error, 'cause'), 'code');
  return code ?? identifierProperty(error, 'name') ?? 'unknown';
}

/** A property of an error (say its `code`) when it holds an identifier; undefined when absent or anything else. */
export function identifierProperty(error: unknown, key: string): string | undefined {
  const value = propertyOf(error, key);
  return typeof value === 'string' && IDENTIFIER.test(value) ? value : undefined;
}

export function propertyOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
