/**
 * Stable error codes shown to API clients. A code, once published, never changes meaning.
 * Each code belongs to one category; the category decides the HTTP status (see the nest-app filter).
 */
export const ERROR_CATEGORIES = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'business_rule',
  'rate_limited',
  'unavailable',
  'internal',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export const ERROR_CODES = {
  VALIDATION_FAILED: 'invalid_input',
  MALFORMED_REQUEST: 'invalid_input',
  PAYLOAD_TOO_LARGE: 'invalid_input',
  UNSUPPORTED_MEDIA_TYPE: 'invalid_input',
  METHOD_NOT_ALLOWED: 'invalid_input',
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  ROUTE_NOT_FOUND: 'not_found',
  RESOURCE_NOT_FOUND: 'not_found',
  CONFLICT: 'conflict',
  IDEMPOTENCY_KEY_REUSED: 'conflict',
  IDEMPOTENCY_REQUEST_IN_PROGRESS: 'conflict',
  BUSINESS_RULE_VIOLATED: 'business_rule',
  RATE_LIMITED: 'rate_limited',
  SERVICE_UNAVAILABLE: 'unavailable',
  INTERNAL_ERROR: 'internal',
} as const satisfies Record<string, ErrorCategory>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Modules register their own codes by widening this map in one place (see errors/index). */
export function categoryOf(code: string): ErrorCategory {
  return (ERROR_CODES as Record<string, ErrorCategory>)[code] ?? 'internal';
}
