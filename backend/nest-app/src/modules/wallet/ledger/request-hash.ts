import { createHash } from 'node:crypto';
import type { LedgerCommand } from './ledger.types';

/** Fields that differ between retries of one request and so are not part of what it asks for. */
const NOT_HASHED = new Set(['transactionId', 'eventId', 'newHoldId', 'correlationId', 'idempotency', 'actor']);

/**
 * The SHA-256 of what a command asks for, in a canonical form (sorted keys, amounts as strings),
 * so that a retry with the same key is recognised as the same request and any change is not.
 */
export function requestHashOf(command: LedgerCommand): string {
  const hashed = Object.fromEntries(Object.entries(command).filter(([key]) => !NOT_HASHED.has(key)));
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}

/** JSON with object keys sorted at every depth, bigints as decimal strings, undefined fields left out. */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}
