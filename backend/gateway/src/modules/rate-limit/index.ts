export { EdgeRateLimiter } from './edge-rate-limiter';
export { rateLimitHook } from './rate-limit.hook';
