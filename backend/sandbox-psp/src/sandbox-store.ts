import { randomBytes } from 'node:crypto';

export type IntentStatus =
  'requires_payment_method' | 'requires_action' | 'processing' | 'requires_capture' | 'succeeded' | 'canceled';

/** The subset of Stripe's PaymentIntent the sandbox keeps, in Stripe's shape. */
export interface SandboxPaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: IntentStatus;
  capture_method: 'automatic' | 'manual';
  metadata: Record<string, string>;
  created: number;
  client_secret: string;
  livemode: false;
  last_payment_error: { code: string; decline_code?: string; message: string } | null;
  /** The sandbox's hosted payment page (Stripe would use Stripe.js or a redirect here). */
  next_action: { type: 'redirect_to_url'; redirect_to_url: { url: string; return_url: string | null } } | null;
  canceled_at: number | null;
}

export interface SandboxPayout {
  id: string;
  object: 'payout';
  amount: number;
  currency: string;
  status: 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled';
  metadata: Record<string, string>;
  created: number;
  arrival_date: number;
  failure_code: string | null;
  failure_message: string | null;
  livemode: false;
}

export interface SandboxRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  status: 'succeeded';
  metadata: Record<string, string>;
  created: number;
}

export interface StoredResponse {
  fingerprint: string;
  status: number;
  body: unknown;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/** Everything the sandbox knows, in memory: it is a development tool, restarted freely. */
export class SandboxStore {
  public readonly intents = new Map<string, SandboxPaymentIntent>();
  public readonly payouts = new Map<string, SandboxPayout>();
  public readonly refunds = new Map<string, SandboxRefund>();
  /** Stripe's Idempotency-Key: the first response, replayed for the same key. */
  public readonly idempotency = new Map<string, StoredResponse>();
}

/** Stripe's list shape, newest first, `starting_after` paging, `created[gte|lte]` filter. */
export function listPage<T extends { id: string; created: number }>(
  items: Iterable<T>,
  query: { limit?: string; starting_after?: string; created?: Record<string, string> },
  url: string,
): { object: 'list'; data: T[]; has_more: boolean; url: string } {
  const limit = Math.min(Math.max(Number(query.limit ?? 10) || 10, 1), 100);
  const gte = query.created?.['gte'] !== undefined ? Number(query.created['gte']) : -Infinity;
  const lte = query.created?.['lte'] !== undefined ? Number(query.created['lte']) : Infinity;
  const sorted = [...items]
    .filter((item) => item.created >= gte && item.created <= lte)
    .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  const start = query.starting_after ? sorted.findIndex((item) => item.id === query.starting_after) + 1 : 0;
  const data = sorted.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < sorted.length, url };
}
