import {
  IntegerSetting,
  NotDevelopmentDefaultInProduction,
  PlatformSettings,
  TrustedProxies,
  trustedProxyList,
} from '@casino/platform';
import { IsEmpty, IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { BucketPolicySetting, listSetting, OriginList, parseBucketPolicy, type BucketPolicy } from './gateway-settings';

/** The same development default as nest-app's: both must verify the tokens nest-app signs. */
const DEV_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me-0000';

/** Settings of the gateway, validated once at boot. */
export class GatewayConfig extends PlatformSettings {
  @IsString()
  public GATEWAY_HOST = '127.0.0.1';

  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(65535)
  public GATEWAY_PORT = 8080;

  /** The nest-app instances the gateway routes to, as comma-separated origins (`http://127.0.0.1:3000`). */
  @OriginList({ allowEmpty: false })
  public GATEWAY_UPSTREAMS = 'http://127.0.0.1:3000';

  /** Replaced by GATEWAY_UPSTREAMS; set, it stops the boot rather than be silently ignored. */
  @IsEmpty({ message: 'API_UPSTREAM_URL was replaced by GATEWAY_UPSTREAMS (a comma-separated list of origins)' })
  public API_UPSTREAM_URL?: string;

  /** How often each instance's /health/ready is asked; a non-200 answer takes it out of rotation. */
  @IntegerSetting()
  @IsInt()
  @Min(100)
  @Max(60_000)
  public GATEWAY_HEALTH_CHECK_INTERVAL_MS = 2000;

  @IntegerSetting()
  @IsInt()
  @Min(50)
  @Max(30_000)
  public GATEWAY_HEALTH_CHECK_TIMEOUT_MS = 1000;

  /** Largest request body passed on; larger ones get 413 without reaching an instance. */
  @IntegerSetting()
  @IsInt()
  @Min(1024)
  @Max(104_857_600)
  public GATEWAY_BODY_LIMIT_BYTES = 1_048_576;

  @IntegerSetting()
  @IsInt()
  @Min(50)
  @Max(60_000)
  public GATEWAY_UPSTREAM_CONNECT_TIMEOUT_MS = 2000;

  /** Longest wait for an instance's response headers, and between two body chunks; then 504. */
  @IntegerSetting()
  @IsInt()
  @Min(100)
  @Max(600_000)
  public GATEWAY_UPSTREAM_TIMEOUT_MS = 30_000;

  /** Keep-alive connections per instance. */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(4096)
  public GATEWAY_UPSTREAM_CONNECTIONS = 128;

  /** Web app origins allowed to call through the gateway from a browser (CORS); empty: none. */
  @OriginList({ allowEmpty: true })
  public GATEWAY_CORS_ORIGINS = '';

  /**
   * The load balancers in front of the gateway whose `X-Forwarded-For` is believed, as IP addresses or
   * CIDRs; the client IP is then the right-most forwarded entry not from one of them. Empty (the
   * default) trusts none: the edge takes the client IP from the connection, never from a header.
   */
  @TrustedProxies()
  public GATEWAY_TRUSTED_PROXIES = '';

  /** nest-app's HMAC key of access tokens: the edge refuses forged and expired tokens before they reach it. */
  @IsString()
  @MinLength(32)
  @NotDevelopmentDefaultInProduction(DEV_JWT_SECRET)
  public JWT_SECRET = DEV_JWT_SECRET;

  /** Issued lifetime of access tokens (nest-app's ACCESS_TOKEN_TTL_SECONDS): a longer-lived token is refused. */
  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(3600)
  public ACCESS_TOKEN_TTL_SECONDS = 900;

  // --- edge rate limits (ADR 0017): <burst>/<seconds> token buckets in Redis ---
  /** Sign-in and every route that sends a code, per client IP. Fails closed without Redis. */
  @BucketPolicySetting()
  public GATEWAY_LIMIT_SIGN_IN_PER_IP = '20/60';

  /** The rest of the API (and /docs, /backoffice), per client IP. */
  @BucketPolicySetting()
  public GATEWAY_LIMIT_API_PER_IP = '600/60';

  /** The rest of the API, per signed-in player or staff member. */
  @BucketPolicySetting()
  public GATEWAY_LIMIT_API_PER_PLAYER = '300/60';

  /** Reports and exports, per signed-in staff member (on top of the API limits). */
  @BucketPolicySetting()
  public GATEWAY_LIMIT_REPORTS_PER_PLAYER = '20/60';

  /** Game-provider and PSP webhooks, per provider. */
  @BucketPolicySetting()
  public GATEWAY_LIMIT_WEBHOOKS_PER_PROVIDER = '3000/60';

  // --- live push (/ws, /api/v1/stream) ---
  /** Ping (WebSocket) or comment line (SSE) interval; a WebSocket that has not answered the last ping is dropped. */
  @IntegerSetting()
  @IsInt()
  @Min(1000)
  @Max(300_000)
  public GATEWAY_PUSH_HEARTBEAT_MS = 25_000;

  /**
   * How often the session of every open stream is looked up in nest-app's session store (Redis): the longest a
   * revoked session's streams stay open. Needs the REDIS_URL and REDIS_KEY_PREFIX of nest-app.
   */
  @IntegerSetting()
  @IsInt()
  @Min(100)
  @Max(60_000)
  public GATEWAY_PUSH_SESSION_CHECK_INTERVAL_MS = 5000;

  /** Bytes a stream may have waiting to be sent; a message beyond it is dropped (the client re-reads on reconnect). */
  @IntegerSetting()
  @IsInt()
  @Min(1024)
  @Max(67_108_864)
  public GATEWAY_PUSH_MAX_BUFFERED_BYTES = 262_144;

  /** Streams one player may have open on one instance; one more is refused with 429 (tabs, devices, a runaway client). */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(1000)
  public GATEWAY_PUSH_MAX_STREAMS_PER_PLAYER = 10;

  public get trustedProxies(): string[] {
    return trustedProxyList(this.GATEWAY_TRUSTED_PROXIES);
  }

  public get upstreams(): string[] {
    return listSetting(this.GATEWAY_UPSTREAMS);
  }

  public get corsOrigins(): string[] {
    return listSetting(this.GATEWAY_CORS_ORIGINS);
  }

  public limit(
    name:
      | 'GATEWAY_LIMIT_SIGN_IN_PER_IP'
      | 'GATEWAY_LIMIT_API_PER_IP'
      | 'GATEWAY_LIMIT_API_PER_PLAYER'
      | 'GATEWAY_LIMIT_REPORTS_PER_PLAYER'
      | 'GATEWAY_LIMIT_WEBHOOKS_PER_PROVIDER',
  ): BucketPolicy {
    return parseBucketPolicy(this[name]);
  }
}
