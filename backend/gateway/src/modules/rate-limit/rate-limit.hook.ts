import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { sendApiError } from '../../common/api-error';
import { rateLimitDecisions } from '../../common/gateway-metrics';
import type { GatewayConfig } from '../../config/gateway-config';
import { verifiedSubjectOf } from '../edge-auth';
import type { Bucket, BucketState, EdgeRateLimiter } from './edge-rate-limiter';
import { classifyRoute, type RouteClass } from './route-class';

/** Without Redis, these classes are refused (a code cannon must stay shut); the others go on unlimited. */
const FAIL_CLOSED: ReadonlySet<RouteClass> = new Set(['sign_in']);
const RETRY_WITHOUT_LIMITER_SECONDS = 5;

type LimitName =
  | 'GATEWAY_LIMIT_SIGN_IN_PER_IP'
  | 'GATEWAY_LIMIT_API_PER_IP'
  | 'GATEWAY_LIMIT_API_PER_PLAYER'
  | 'GATEWAY_LIMIT_REPORTS_PER_PLAYER'
  | 'GATEWAY_LIMIT_WEBHOOKS_PER_PROVIDER';

/** A request's buckets, and the `RateLimit-Policy` field of that set of buckets (the same for every such request). */
interface RequestBuckets {
  routeClass: RouteClass;
  buckets: Bucket[];
  policyHeader: string;
}

/**
 * The buckets a request draws from: per client IP, per verified player (or staff member), per provider. The policies
 * are parsed once and each shape's policy header written once, not per request (the edge's hot path).
 */
export function bucketPlanner(config: GatewayConfig): (request: FastifyRequest) => RequestBuckets {
  const policies = new Map<LimitName, Bucket['policy']>();
  const policy = (name: LimitName): Bucket['policy'] => {
    let parsed = policies.get(name);
    if (!parsed) policies.set(name, (parsed = config.limit(name)));
    return parsed;
  };
  const policyHeaders = new Map<string, string>();
  const planned = (routeClass: RouteClass, buckets: Bucket[]): RequestBuckets => {
    const shape = buckets.length === 1 ? buckets[0]!.name : buckets.map((bucket) => bucket.name).join(',');
    let policyHeader = policyHeaders.get(shape);
    if (policyHeader === undefined) {
      policyHeader = buckets
        .map((bucket) => `"${bucket.name}";q=${bucket.policy.burst};w=${bucket.policy.windowSeconds}`)
        .join(', ');
      policyHeaders.set(shape, policyHeader);
    }
    return { routeClass, buckets, policyHeader };
  };
  const bucket = (name: string, value: string, limit: LimitName): Bucket => ({
    name,
    key: `ratelimit:${name}:${value}`,
    policy: policy(limit),
  });
  return (request) => {
    const { routeClass, provider } = classifyRoute(request.method, request.url);
    switch (routeClass) {
      case 'sign_in':
        return planned(routeClass, [bucket('sign-in-ip', request.ip, 'GATEWAY_LIMIT_SIGN_IN_PER_IP')]);
      case 'webhook':
        return planned(routeClass, [
          bucket('webhook-provider', provider ?? 'unknown', 'GATEWAY_LIMIT_WEBHOOKS_PER_PROVIDER'),
        ]);
      case 'api':
      case 'reports': {
        const subject = verifiedSubjectOf(request);
        const buckets = [bucket('api-ip', request.ip, 'GATEWAY_LIMIT_API_PER_IP')];
        if (subject) buckets.push(bucket('api-player', subject, 'GATEWAY_LIMIT_API_PER_PLAYER'));
        if (routeClass === 'reports') {
          buckets.push(bucket('reports-player', subject ?? request.ip, 'GATEWAY_LIMIT_REPORTS_PER_PLAYER'));
        }
        return planned(routeClass, buckets);
      }
    }
  };
}

/** The IETF RateLimit-Policy and RateLimit fields (draft-ietf-httpapi-ratelimit-headers). */
function setRateLimitHeaders(reply: FastifyReply, policyHeader: string, tightest: BucketState): void {
  reply.header('ratelimit-policy', policyHeader);
  reply.header('ratelimit', `"${tightest.bucket.name}";r=${tightest.remaining};t=${tightest.resetSeconds}`);
}

/** Edge rate limits, after the token check (so a player's bucket is keyed by a verified id). */
export function rateLimitHook(limiter: EdgeRateLimiter, config: GatewayConfig): onRequestHookHandler {
  const plan = bucketPlanner(config);
  return async (request, reply) => {
    const { routeClass, buckets, policyHeader } = plan(request);
    const decision = await limiter.decide(buckets);
    if (decision.outcome === 'unavailable') {
      const closed = FAIL_CLOSED.has(routeClass);
      rateLimitDecisions.inc({ class: routeClass, outcome: closed ? 'fail_closed' : 'fail_open' });
      if (!closed) return;
      reply.header('retry-after', String(RETRY_WITHOUT_LIMITER_SECONDS));
      return sendApiError(
        request,
        reply,
        'RATE_LIMITER_UNAVAILABLE',
        'Sign-in is paused for a moment; try again shortly',
      );
    }
    setRateLimitHeaders(reply, policyHeader, decision.tightest);
    rateLimitDecisions.inc({ class: routeClass, outcome: decision.outcome });
    if (decision.outcome === 'allowed') return;
    reply.header('retry-after', String(decision.retryAfterSeconds));
    return sendApiError(request, reply, 'RATE_LIMITED', 'Too many requests; try again later', {
      retryAfterSeconds: decision.retryAfterSeconds,
      limit: decision.tightest.bucket.name,
    });
  };
}
