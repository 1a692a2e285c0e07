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

/** The buckets a request draws from: per client IP, per verified player (or staff member), per provider. */
export function bucketsFor(
  request: FastifyRequest,
  config: GatewayConfig,
): { routeClass: RouteClass; buckets: Bucket[] } {
  const { routeClass, provider } = classifyRoute(request.method, request.url);
  const subject = verifiedSubjectOf(request);
  const bucket = (name: string, value: string, policy: Bucket['policy']): Bucket => ({
    name,
    key: `ratelimit:${name}:${value}`,
    policy,
  });
  switch (routeClass) {
    case 'sign_in':
      return { routeClass, buckets: [bucket('sign-in-ip', request.ip, config.limit('GATEWAY_LIMIT_SIGN_IN_PER_IP'))] };
    case 'webhook':
      return {
        routeClass,
        buckets: [
          bucket('webhook-provider', provider ?? 'unknown', config.limit('GATEWAY_LIMIT_WEBHOOKS_PER_PROVIDER')),
        ],
      };
    case 'api':
    case 'reports': {
      const buckets = [bucket('api-ip', request.ip, config.limit('GATEWAY_LIMIT_API_PER_IP'))];
      if (subject) buckets.push(bucket('api-player', subject, config.limit('GATEWAY_LIMIT_API_PER_PLAYER')));
      if (routeClass === 'reports') {
        buckets.push(bucket('reports-player', subject ?? request.ip, config.limit('GATEWAY_LIMIT_REPORTS_PER_PLAYER')));
      }
      return { routeClass, buckets };
    }
  }
}

/** The IETF RateLimit-Policy and RateLimit fields (draft-ietf-httpapi-ratelimit-headers). */
function setRateLimitHeaders(reply: FastifyReply, buckets: Bucket[], tightest: BucketState): void {
  reply.header(
    'ratelimit-policy',
    buckets.map((bucket) => `"${bucket.name}";q=${bucket.policy.burst};w=${bucket.policy.windowSeconds}`).join(', '),
  );
  reply.header('ratelimit', `"${tightest.bucket.name}";r=${tightest.remaining};t=${tightest.resetSeconds}`);
}

/** Edge rate limits, after the token check (so a player's bucket is keyed by a verified id). */
export function rateLimitHook(limiter: EdgeRateLimiter, config: GatewayConfig): onRequestHookHandler {
  return async (request, reply) => {
    const { routeClass, buckets } = bucketsFor(request, config);
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
    setRateLimitHeaders(reply, decision.buckets, decision.tightest);
    rateLimitDecisions.inc({ class: routeClass, outcome: decision.outcome });
    if (decision.outcome === 'allowed') return;
    reply.header('retry-after', String(decision.retryAfterSeconds));
    return sendApiError(request, reply, 'RATE_LIMITED', 'Too many requests; try again later', {
      retryAfterSeconds: decision.retryAfterSeconds,
      limit: decision.tightest.bucket.name,
    });
  };
}
