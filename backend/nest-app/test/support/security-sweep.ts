import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHmac } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { fillPath, type RouteEntry } from './route-table';

export interface SweepResponse {
  statusCode: number;
  body: string;
}

/** What an error body may never carry: a stack frame, SQL, a driver error, an internal host or path. */
const LEAKS: [string, RegExp][] = [
  ['stack frame', /\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+/],
  ['SQL', /\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b|\bsyntax error at\b|\brelation "\w+"/],
  ['driver error', /QueryFailedError|ECONNREFUSED|ETIMEDOUT|ReplyError|TypeORM|ioredis|bullmq/i],
  ['internal host', /\b(127\.0\.0\.1|localhost|0\.0\.0\.0)\b|:5432\b|:6379\b|:4222\b|:8123\b/],
  ['file path', /\/(work|home|usr|src|node_modules)\/[\w./-]+/],
];

/** The problems of one error body: its ADR 0009 shape, and anything internal it leaks. */
export function errorBodyProblems(response: SweepResponse): string[] {
  if (response.statusCode < 400) return [];
  const problems = LEAKS.filter(([, pattern]) => pattern.test(response.body)).map(([name]) => `leaks ${name}`);
  try {
    const body = JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown }; requestId?: unknown };
    if (typeof body.error?.code !== 'string' || typeof body.error.message !== 'string') {
      problems.push('is not { error: { code, message } }');
    }
  } catch {
    problems.push('is not JSON');
  }
  return problems;
}

/** A request of a sweep: every 4xx/5xx answer is checked for leaks (item 6 of issue 19) as it arrives. */
export class SweepClient {
  public readonly leaks: string[] = [];
  public requests = 0;

  public constructor(private readonly app: NestFastifyApplication) {}

  public async call(
    route: RouteEntry,
    options: { headers?: Record<string, string>; payload?: unknown; params?: Record<string, string>; query?: string },
  ): Promise<SweepResponse & { json: <T>() => T }> {
    const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
    const response = await this.app.inject({
      method: route.method,
      url: fillPath(route, options.params) + (options.query ? `?${options.query}` : ''),
      // A string payload is sent as it is, as JSON (bodies JSON.stringify cannot build, such as deep nesting).
      headers: {
        ...(typeof options.payload === 'string' ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(hasBody
        ? {
            payload:
              typeof options.payload === 'string'
                ? options.payload
                : ((options.payload ?? {}) as Record<string, unknown>),
          }
        : {}),
    });
    this.requests += 1;
    for (const problem of errorBodyProblems(response)) {
      this.leaks.push(
        `${route.method} ${route.path} → ${response.statusCode} ${problem}: ${response.body.slice(0, 300)}`,
      );
    }
    return { statusCode: response.statusCode, body: response.body, json: <T>() => response.json<T>() };
  }
}

/**
 * A digest of every row of every table: equal before and after means the requests in between changed nothing
 * (`except`: append-only logs a refusal may legitimately write, such as security events).
 */
export async function databaseFingerprint(db: DataSource, except: string[] = []): Promise<Record<string, string>> {
  const tables = (await db.query(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )) as { name: string }[];
  const digest: Record<string, string> = {};
  for (const { name } of tables) {
    if (except.includes(name)) continue;
    const [row] = (await db.query(
      `SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest
         FROM "${name}" t`,
    )) as { digest: string }[];
    digest[name] = row?.digest ?? '';
  }
  return digest;
}

export interface TokenClaims {
  [claim: string]: unknown;
}

/** A compact JWS signed HS256 with `secret`, or unsigned (`alg: none`) when `secret` is null. */
export function craftJwt(claims: TokenClaims, secret: string | null, header: Record<string, unknown> = {}): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = encode({ alg: secret === null ? 'none' : 'HS256', typ: 'JWT', ...header });
  const signingInput = `${head}.${encode(claims)}`;
  if (secret === null) return `${signingInput}.`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

/** Prints a sweep's coverage line (issue 19: "printing how many routes × cases it covered"). */
export function reportCoverage(sweep: string, routes: number, cases: number, requests: number): void {
  process.stdout.write(`[sweep] ${sweep}: ${routes} routes × ${cases} cases, ${requests} requests\n`);
}
