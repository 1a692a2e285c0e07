import {
  BooleanSetting,
  IntegerSetting,
  NotDevelopmentDefaultInProduction,
  OffInProduction,
  PlatformSettings,
  TrustedProxies,
  trustedProxyList,
} from '@casino/platform';
import { CURRENCY_MINOR_DIGITS } from '@casino/contracts';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
} from 'class-validator';

/** Development defaults of secrets: clearly marked, refused in production. */
const DEV_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me-0000';
const DEV_TOTP_ENCRYPTION_KEY = 'dev-only-insecure-totp-key-change-me-00000';
const DEV_PROVIDER_CREDENTIALS_KEY = 'dev-only-insecure-provider-credentials-key-0';
const DEV_KYC_WEBHOOK_SECRET = 'dev-kyc-webhook-secret-change-me';
const DEV_DATABASE_URL = 'postgres://casino:casino@127.0.0.1:5432/casino';
const DEV_REPORT_EXPORT_LINK_SECRET = 'dev-only-insecure-report-export-link-secret-0';

/** Every setting of nest-app, validated once at boot. Defaults are safe for development only. */
export class AppConfig extends PlatformSettings {
  @IsString()
  public API_HOST = '127.0.0.1';

  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(65535)
  public API_PORT = 3000;

  /**
   * On SIGTERM, how long `/health/ready` answers 503 while requests are still served, before the server closes
   * (requests in flight then finish) and the process exits. Longer than the gateway's health-check interval plus
   * its timeout (GATEWAY_HEALTH_CHECK_INTERVAL_MS + GATEWAY_HEALTH_CHECK_TIMEOUT_MS), so that no new request
   * reaches a closed server. 0: close at once.
   */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(120_000)
  public API_SHUTDOWN_DRAIN_MS = 5000;

  /**
   * The proxies in front (the gateway, a load balancer) whose `X-Forwarded-For` is believed, as IP
   * addresses or CIDRs (`127.0.0.1,::1`, `10.0.0.0/8`); the client IP (rate limits, security events,
   * consents, the audit log) is then the right-most forwarded entry not from one of them. Empty trusts
   * none: the client IP is the peer's address.
   */
  @TrustedProxies()
  public API_TRUSTED_PROXIES = '';

  /**
   * Replaced by `API_TRUSTED_PROXIES`: `true` trusted every peer's `X-Forwarded-For`, so any client
   * chose its own IP. Set to anything but false, it stops the boot rather than be silently ignored.
   */
  @IsOptional()
  @IsIn(['false', '0', 'no', 'off'], {
    message:
      'API_TRUST_PROXY was replaced by API_TRUSTED_PROXIES: list the addresses or CIDRs of the proxies to trust there and remove API_TRUST_PROXY',
  })
  public API_TRUST_PROXY?: string;

  public get trustedProxies(): string[] {
    return trustedProxyList(this.API_TRUSTED_PROXIES);
  }

  /** Its development default carries the development password, refused in production. */
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  @NotDevelopmentDefaultInProduction(DEV_DATABASE_URL)
  public DATABASE_URL = DEV_DATABASE_URL;

  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(200)
  public DATABASE_POOL_SIZE = 20;

  /** Apply pending migrations at start. Ignored in production, where `npm run migration:run` does it. */
  @BooleanSetting()
  @IsBoolean()
  public MIGRATIONS_RUN_ON_START = true;

  // --- user module ---
  /** Currency of a new player's account (ISO 4217, one the platform knows). */
  @IsIn(Object.keys(CURRENCY_MINOR_DIGITS))
  public DEFAULT_CURRENCY = 'EUR';

  /** Minimum age of a player, in years. */
  @IntegerSetting()
  @IsInt()
  @Min(18)
  @Max(25)
  public MIN_PLAYER_AGE = 18;

  /** Comma-separated ISO 3166 alpha-2 countries whose residents may not play; `none` for none. */
  @Matches(/^(none|[A-Z]{2}(,[A-Z]{2})*)$/)
  public BLOCKED_COUNTRIES = 'US,FR';

  /**
   * Shared secret of the KYC provider's webhook signature (HMAC-SHA256). Anyone who knows it can sign a
   * `verified` decision for themselves, so production refuses the published development default.
   */
  @IsString()
  @MinLength(16)
  @NotDevelopmentDefaultInProduction(DEV_KYC_WEBHOOK_SECRET)
  public KYC_WEBHOOK_SECRET = DEV_KYC_WEBHOOK_SECRET;

  /** How far a KYC webhook's signed timestamp may be from now, in seconds. */
  @IntegerSetting()
  @IsInt()
  @Min(30)
  @Max(3600)
  public KYC_WEBHOOK_TOLERANCE_SECONDS = 300;

  /** Name of the KYC provider (the `:provider` of its webhook route). */
  @Matches(/^[a-z0-9-]{1,40}$/)
  public KYC_PROVIDER = 'sandbox';

  /** Current versions of the documents players accept; a new version asks everyone again. */
  @Matches(/^[A-Za-z0-9._-]{1,32}$/)
  public CONSENT_TERMS_VERSION = '1';

  @Matches(/^[A-Za-z0-9._-]{1,32}$/)
  public CONSENT_PRIVACY_VERSION = '1';

  @Matches(/^[A-Za-z0-9._-]{1,32}$/)
  public CONSENT_MARKETING_VERSION = '1';

  public get blockedCountries(): ReadonlySet<string> {
    return new Set(this.BLOCKED_COUNTRIES === 'none' ? [] : this.BLOCKED_COUNTRIES.split(','));
  }

  // --- auth module ---
  /** HMAC key of access tokens (HS256), at least 32 characters; production must set its own. */
  @IsString()
  @MinLength(32)
  @NotDevelopmentDefaultInProduction(DEV_JWT_SECRET)
  public JWT_SECRET = DEV_JWT_SECRET;

  /** Key that encrypts TOTP secrets at rest (AES-256-GCM via HKDF), at least 32 characters; production must set its own. */
  @IsString()
  @MinLength(32)
  @NotDevelopmentDefaultInProduction(DEV_TOTP_ENCRYPTION_KEY)
  public TOTP_ENCRYPTION_KEY = DEV_TOTP_ENCRYPTION_KEY;

  /** Issuer shown in authenticator apps. */
  @Matches(/^[A-Za-z0-9 ._-]{1,40}$/)
  public TOTP_ISSUER = 'Casino';

  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(3600)
  public ACCESS_TOKEN_TTL_SECONDS = 900;

  @IntegerSetting()
  @IsInt()
  @Min(3600)
  @Max(7776000)
  public REFRESH_TOKEN_TTL_SECONDS = 2592000;

  /** The account with this email gets the admin role at start. */
  @IsEmail()
  public ADMIN_EMAIL = 'admin@example.test';

  /** Bot token of the Telegram bot behind the Login Widget and Mini App; Telegram sign-in is off when empty. */
  @IsOptional()
  @Matches(/^\d+:[A-Za-z0-9_-]{20,}$/)
  public TELEGRAM_BOT_TOKEN?: string;

  /** How old a Telegram `auth_date` may be, in seconds. */
  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(604800)
  public TELEGRAM_AUTH_MAX_AGE_SECONDS = 86400;

  /** How long a step-up 2FA check counts as recent (withdrawals, security settings), in seconds. */
  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(3600)
  public MFA_STEP_UP_TTL_SECONDS = 300;

  /**
   * Staff sign-in lockout: this many wrong email codes or second-factor codes of one staff account within
   * STAFF_SIGNIN_FAILURE_WINDOW_SECONDS lock it for STAFF_SIGNIN_LOCKOUT_SECONDS (429 STAFF_SIGN_IN_LOCKED, even with
   * the right code), until it ends or `staff.unlock` releases it (docs/security.md).
   */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(100)
  public STAFF_SIGNIN_MAX_FAILURES = 5;

  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(86400)
  public STAFF_SIGNIN_FAILURE_WINDOW_SECONDS = 900;

  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(86400)
  public STAFF_SIGNIN_LOCKOUT_SECONDS = 900;

  /** Rate limits of every auth endpoint: requests per window per client IP and per account. */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(3600)
  public AUTH_RATE_LIMIT_WINDOW_SECONDS = 60;

  @IntegerSetting()
  @IsInt()
  @Min(1)
  public AUTH_RATE_LIMIT_PER_IP = 100;

  @IntegerSetting()
  @IsInt()
  @Min(1)
  public AUTH_RATE_LIMIT_PER_ACCOUNT = 20;

  /**
   * Requests that send a code (email sign-in, SMS challenge and step-up, phone verification, email and phone
   * changes) per client IP per window, on top of the limits above: every such request costs a mail or a text.
   */
  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(86400)
  public AUTH_CODE_RATE_LIMIT_WINDOW_SECONDS = 600;

  @IntegerSetting()
  @IsInt()
  @Min(1)
  public AUTH_CODE_RATE_LIMIT_PER_IP = 10;

  /**
   * The platform-wide circuit of outgoing messages, counted in Redis by every nest-app instance: past this many
   * mails (or texts) in one window, code requests are refused (503 CODE_DELIVERY_PAUSED) until the window ends.
   * Notices (an email change told to the old address) are counted and still sent.
   */
  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(86400)
  public OUTBOUND_MESSAGE_WINDOW_SECONDS = 600;

  @IntegerSetting()
  @IsInt()
  @Min(1)
  public OUTBOUND_MAIL_LIMIT_PER_WINDOW = 5000;

  @IntegerSetting()
  @IsInt()
  @Min(1)
  public OUTBOUND_SMS_LIMIT_PER_WINDOW = 500;

  /**
   * Mount the development SMS inbox, `GET /api/v1/dev/sms-inbox`: unsigned, it shows every text the development
   * sink kept, codes included. Unset: mounted with NODE_ENV=development only; `true` mounts it in `test` too (suites
   * that read it over HTTP). Production refuses `true`, and never mounts it.
   */
  @IsOptional()
  @BooleanSetting()
  @IsBoolean()
  @OffInProduction('the dev SMS inbox shows texted codes to anyone')
  public DEV_SMS_INBOX_ENABLED?: boolean;

  /**
   * Serve the OpenAPI page `/docs` and document `/docs-json`. Unset: on outside production, off in production, which
   * refuses `true` (the document maps every route, staff ones included, for whoever reaches the port; operators read
   * it from a development or staging instance).
   */
  @IsOptional()
  @BooleanSetting()
  @IsBoolean()
  @OffInProduction('the OpenAPI page maps every route for anyone who reaches the port')
  public API_DOCS_ENABLED?: boolean;

  public get apiDocsEnabled(): boolean {
    return !this.isProduction && (this.API_DOCS_ENABLED ?? true);
  }

  public get devSmsInboxEnabled(): boolean {
    return !this.isProduction && (this.DEV_SMS_INBOX_ENABLED ?? this.NODE_ENV === 'development');
  }

  // --- wallet ledger and outbox relay (ADR 0010) ---
  /** Most commands the ledger applies in one database transaction (group commit). */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(1000)
  public WALLET_BATCH_MAX_SIZE = 128;

  /** Ledger batches in flight at once per process; each holds one database connection. */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(32)
  public WALLET_BATCH_MAX_IN_FLIGHT = 1;

  /**
   * Run a batch of deposits, bets and wins whose players' balances this process knows as one statement, which
   * checks those balances under its locks (ADR 0011, fifth pass); false: every batch takes the locked read first.
   */
  @BooleanSetting()
  @IsBoolean()
  public WALLET_LEDGER_SINGLE_STATEMENT = true;

  /** Create wallets from `user.registered` events (a durable JetStream consumer). */
  @BooleanSetting()
  @IsBoolean()
  public WALLET_USER_CONSUMER_ENABLED = true;

  /** Grant deposit-match bonuses from `payment.intent.succeeded` events (a durable JetStream consumer). */
  @BooleanSetting()
  @IsBoolean()
  public BONUS_DEPOSIT_MATCH_CONSUMER_ENABLED = true;

  /** How often this process runs the cashback job (docs/bonuses.md "Cashback"; idempotent per period); 0: never. */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(86400)
  public BONUS_CASHBACK_INTERVAL_SECONDS = 3600;
  /** Every so many seconds, expire bonuses past their validity and convert completed ones left unconverted (0: never). */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(3600)
  public BONUS_SWEEP_INTERVAL_SECONDS = 60;

  /** Run the outbox relay in this process (several processes may; they never publish one row at once). */
  @BooleanSetting()
  @IsBoolean()
  public OUTBOX_RELAY_ENABLED = true;

  /**
   * Pause between relay passes when the outbox is empty or NATS failed, in milliseconds. With
   * OUTBOX_RELAY_WAKE_ON_NOTIFY the relay wakes at once on committed events; this poll is then only the fallback.
   */
  @IntegerSetting()
  @IsInt()
  @Min(10)
  @Max(60000)
  public OUTBOX_RELAY_INTERVAL_MS = 200;

  /**
   * Wake the relay as soon as events are committed (PostgreSQL LISTEN on `outbox_events`, one notification per
   * transaction), instead of waiting for OUTBOX_RELAY_INTERVAL_MS. The poll stays as the fallback.
   */
  @BooleanSetting()
  @IsBoolean()
  public OUTBOX_RELAY_WAKE_ON_NOTIFY = true;

  /** Most outbox rows one relay pass claims. */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(10000)
  public OUTBOX_RELAY_BATCH_SIZE = 500;

  // --- payment module ---
  /** Stripe secret key (`sk_test_…` / `sk_live_…`); empty turns the `stripe` provider off. */
  @IsOptional()
  @Matches(/^(sk|rk)_(test|live)_[A-Za-z0-9_]{4,}$/)
  public STRIPE_API_KEY?: string;

  /** Stripe webhook endpoint secret(s) `whsec_…`; comma-separated during a rotation (any may match). */
  @IsOptional()
  @Matches(/^whsec_[A-Za-z0-9_]{8,}(,whsec_[A-Za-z0-9_]{8,})*$/)
  public STRIPE_WEBHOOK_SECRET?: string;

  /** Base URL of Stripe's API; tests point it at a local stand-in. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public STRIPE_API_URL = 'https://api.stripe.com';

  /** The sandbox PSP (backend/sandbox-psp) for development and demos; never offered in production. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public SANDBOX_PSP_URL = 'http://127.0.0.1:4010';

  @Matches(/^sk_test_[A-Za-z0-9_]{4,}$/)
  public SANDBOX_PSP_API_KEY = 'sk_test_sandbox_dev_only';

  /** Secret(s) of the sandbox PSP's webhook signatures, same scheme as Stripe; comma-separated during a rotation. */
  @Matches(/^whsec_[A-Za-z0-9_]{8,}(,whsec_[A-Za-z0-9_]{8,})*$/)
  public SANDBOX_PSP_WEBHOOK_SECRET = 'whsec_sandbox_dev_only';

  /** How far a webhook's signed timestamp may be from now, either way, in seconds (Stripe: 300). */
  @IntegerSetting()
  @IsInt()
  @Min(30)
  @Max(3600)
  public PAYMENT_WEBHOOK_TOLERANCE_SECONDS = 300;

  /** Withdrawals above this many minor units wait for a `finance` approval before the payout is sent. */
  @Matches(/^(0|[1-9]\d{0,17})$/)
  public WITHDRAWAL_APPROVAL_THRESHOLD = '100000';

  /** Staff wallet adjustments above this many minor units (either sign) wait for a second staff member (ADR 0018). */
  @Matches(/^(0|[1-9]\d{0,17})$/)
  public ADJUSTMENT_APPROVAL_THRESHOLD = '10000';

  /**
   * A player who has 2FA must confirm it again (step-up, within MFA_STEP_UP_TTL_SECONDS) before a
   * withdrawal; players without a second factor are not asked.
   */
  @BooleanSetting()
  @IsBoolean()
  public WITHDRAWAL_STEP_UP_REQUIRED = true;

  /** Cumulative deposits (EUR minor units) past which verified KYC is needed before more (4AMLD Art. 11(d)). */
  @Matches(/^(0|[1-9]\d{0,17})$/)
  public AML_KYC_THRESHOLD_EUR = '200000';

  /**
   * The same threshold in other currencies, `CUR:minor units`, set at or below EUR 2,000 so a
   * rate move never checks too late. A currency not listed has a threshold of zero (KYC first).
   */
  @Matches(/^([A-Z]{3}:(0|[1-9]\d{0,17}))(,[A-Z]{3}:(0|[1-9]\d{0,17}))*$/)
  public AML_KYC_THRESHOLDS_OTHER =
    'USD:200000,GBP:170000,CHF:180000,CAD:290000,AUD:320000,SEK:2200000,NOK:2300000,DKK:1490000,' +
    'PLN:850000,BRL:1100000,JPY:300000,KRW:2900000,CLP:1900000,KWD:600000,BHD:750000,TND:6500000';

  /** Seconds between reconciliation runs (wallet and PSP records against succeeded intents); 0 = off. */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(86400)
  public PAYMENT_RECONCILIATION_INTERVAL_SECONDS = 3600;

  /**
   * At most this many intents per step of a reconciliation run (lost creations looked up, open intents followed at
   * their provider, settlements and payouts retried); the rest wait for the next run. The follow takes the intents
   * its provider was asked about least recently first, so a large backlog is read in turn over a few runs.
   */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(10000)
  public PAYMENT_RECONCILIATION_BATCH_SIZE = 500;

  /** How far back a reconciliation run looks, in hours. */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(2160)
  public PAYMENT_RECONCILIATION_WINDOW_HOURS = 48;

  /**
   * A deposit left in `requires_payment_method` (not paid, nothing happening) this many seconds is canceled at the
   * provider and here; until then it counts toward the player's deposit limit.
   */
  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(86400)
  public PAYMENT_DEPOSIT_OPEN_TTL_SECONDS = 1800;

  /**
   * A withdrawal still in its first status (`requires_payment_method`: its hold was not stored and it never reached
   * finance's approval or its payout) this many seconds is failed and the hold it placed, if any, released. Far
   * longer than a creation takes, which is under a second.
   */
  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(86400)
  public PAYMENT_WITHDRAWAL_CREATION_TTL_SECONDS = 600;

  /**
   * At most this many open deposits per provider are canceled here only, because the provider has no payment for them,
   * in one expiry or reconciliation run, and at most this many other open intents missing at the provider are reported
   * by one run of reconciliation's follow; past it the run stops doing so (a wrong PSP key or account makes every open
   * intent look missing), records `payment.provider_record_missing_halted` and leaves the rest for the next run.
   */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(1000)
  public PAYMENT_PROVIDER_RECORD_MISSING_LIMIT = 20;

  /**
   * A reconciliation run stops following a provider's open intents after this many reads in a row it did not answer
   * (timeout, network error, 5xx, 429: each after the SDK's own retries); the rest wait for the next run, so an
   * outage costs a run this many slow calls rather than one per open intent.
   */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(1000)
  public PAYMENT_PROVIDER_UNREACHABLE_LIMIT = 5;

  /** Seconds between runs of the expiry of abandoned deposits (reconciliation runs it too); 0 = only then. */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(3600)
  public PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS = 60;

  /** Seconds between runs of the expiry of stalled withdrawals (reconciliation runs it too); 0 = only then. */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(3600)
  public PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS = 60;

  public get withdrawalApprovalThreshold(): bigint {
    return BigInt(this.WITHDRAWAL_APPROVAL_THRESHOLD);
  }

  public get adjustmentApprovalThreshold(): bigint {
    return BigInt(this.ADJUSTMENT_APPROVAL_THRESHOLD);
  }

  /** AML thresholds by currency, in that currency's minor units. */
  public get amlKycThresholds(): ReadonlyMap<string, bigint> {
    const entries = this.AML_KYC_THRESHOLDS_OTHER.split(',').map((pair): [string, bigint] => {
      const [currency, amount] = pair.split(':');
      return [currency, BigInt(amount)];
    });
    return new Map([...entries, ['EUR', BigInt(this.AML_KYC_THRESHOLD_EUR)]]);
  }

  // --- game module ---
  /** Key that encrypts game providers' credentials at rest (AES-256-GCM via HKDF), at least 32 characters. */
  @IsString()
  @MinLength(32)
  @NotDevelopmentDefaultInProduction(DEV_PROVIDER_CREDENTIALS_KEY)
  public PROVIDER_CREDENTIALS_KEY = DEV_PROVIDER_CREDENTIALS_KEY;

  /** When set, these replace the `hub88` provider record's Hub88 public key (PEM file), API URL, operator id and private key at start. */
  @IsOptional()
  @IsString()
  public HUB88_PUBLIC_KEY_FILE?: string;

  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public HUB88_API_URL?: string;

  @IsOptional()
  @Matches(/^[0-9]{1,12}$/)
  public HUB88_OPERATOR_ID?: string;

  @IsOptional()
  @IsString()
  public HUB88_OPERATOR_PRIVATE_KEY_FILE?: string;

  /** A game session's token stops working for balance and bets after this much inactivity, in seconds. */
  @IntegerSetting()
  @IsInt()
  @Min(60)
  @Max(86400)
  public GAME_SESSION_IDLE_TTL_SECONDS = 1800;

  /** Every so many seconds, close the sessions idle past their TTL with `game.session.closed` (0: never). */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(3600)
  public GAME_SESSION_SWEEP_INTERVAL_SECONDS = 60;

  /** Real-money launches need a verified KYC once the player's deposits reach this many major units (AML threshold). */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  public GAME_KYC_DEPOSIT_THRESHOLD = 2000;

  /** Sync every provider's game list at start and then every so many seconds (BullMQ repeatable job); 0 turns it off. */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(604800)
  public GAME_CATALOG_SYNC_INTERVAL_SECONDS = 3600;

  /** Where a game sends the player back to (Hub88 `lobby_url`). */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public GAME_LOBBY_URL = 'http://127.0.0.1:8080/';

  /** The demo game provider (backend/demo-provider) the demo seeder registers. */
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public DEMO_PROVIDER_URL = 'http://127.0.0.1:4100';

  /** Development key pairs shared by the demo seeder and the demo provider (created when missing). */
  @IsString()
  @MinLength(1)
  public DEMO_PROVIDER_KEYS_DIR = '.run/demo-provider-keys';

  // --- back office (ADR 0019) ---
  /** Serve the built back-office web app (frontend/backoffice) at /backoffice/. */
  @BooleanSetting()
  @IsBoolean()
  public BACKOFFICE_ENABLED = true;

  /** Folder of the built back office (`npm run build -w frontend/backoffice`); a relative path is from the repository root. */
  @IsString()
  @MinLength(1)
  public BACKOFFICE_DIST_DIR = 'frontend/backoffice/dist';

  // --- report module (docs/reports.md) ---
  /** A report statement on ClickHouse is stopped after this many seconds (max_execution_time). */
  @IntegerSetting()
  @IsInt()
  @Min(1)
  @Max(600)
  public REPORT_QUERY_TIMEOUT_SECONDS = 30;

  /**
   * Gaming tax per jurisdiction (the player's country), `CC:basis points` (`GB:2100` is 21%): NGR deducts GGR times
   * the rate. A country not listed has a rate of 0; empty (the default) taxes nothing.
   */
  @Matches(/^$|^([A-Z]{2}:(\d{1,4}))(,[A-Z]{2}:(\d{1,4}))*$/)
  public REPORT_GAMING_TAX_RATES = '';

  /** The Redis of the report cache; empty uses REDIS_URL. The cache is best effort: without it reports still answer. */
  @IsOptional()
  @IsUrl({ protocols: ['redis', 'rediss'], require_tld: false, require_protocol: true })
  public REPORT_CACHE_REDIS_URL?: string;

  /** Seconds a cached result touching today or yesterday (in the query's time zone) is kept: those days still change. */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(3600)
  public REPORT_CACHE_OPEN_TTL_SECONDS = 60;

  /** Seconds a cached result of closed days only is kept. */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(2_592_000)
  public REPORT_CACHE_CLOSED_TTL_SECONDS = 86_400;

  /** A cache read or write that takes longer than this many milliseconds is given up (the query goes to ClickHouse). */
  @IntegerSetting()
  @IsInt()
  @Min(10)
  @Max(5000)
  public REPORT_CACHE_TIMEOUT_MS = 250;

  /** Seconds between copies of the game catalogue's categories into ClickHouse `games` (0: never; tests drive it). */
  @IntegerSetting()
  @IsInt()
  @Min(0)
  @Max(86_400)
  public REPORT_GAMES_SYNC_INTERVAL_SECONDS = 300;

  /**
   * Mail domains a scheduled report may be sent to (comma-separated, lower case): a schedule mails a signed link to
   * the file, which is the key to it, so it goes only to the operator's own domains.
   */
  @Matches(/^[a-z0-9.-]+(,[a-z0-9.-]+)*$/, { message: 'REPORT_SCHEDULE_RECIPIENT_DOMAINS: comma-separated domains' })
  public REPORT_SCHEDULE_RECIPIENT_DOMAINS = 'example.test';

  public get scheduleRecipientDomains(): readonly string[] {
    return this.REPORT_SCHEDULE_RECIPIENT_DOMAINS.split(',');
  }

  /** Basis points of gaming tax by country. */
  public get gamingTaxRates(): ReadonlyMap<string, bigint> {
    if (this.REPORT_GAMING_TAX_RATES === '') return new Map();
    return new Map(
      this.REPORT_GAMING_TAX_RATES.split(',').map((pair): [string, bigint] => {
        const [country, rate] = pair.split(':');
        return [country, BigInt(rate)];
      }),
    );
  }
  // --- report exports (docs/reports.md "Exports") ---
  /** Where worker-etl writes export files and downloads read them: an absolute directory, the worker's own. */
  @IsString()
  @Matches(/^\//, { message: 'REPORT_EXPORT_DIR must be an absolute directory' })
  public REPORT_EXPORT_DIR = '/var/tmp/casino/report-exports';

  /** HMAC-SHA256 key of export download links, at least 32 characters; production must set its own. */
  @IsString()
  @MinLength(32)
  @NotDevelopmentDefaultInProduction(DEV_REPORT_EXPORT_LINK_SECRET)
  public REPORT_EXPORT_LINK_SECRET = DEV_REPORT_EXPORT_LINK_SECRET;

  /** How long a signed download link stays valid, in seconds. */
  @IntegerSetting()
  @IsInt()
  @Min(30)
  @Max(86400)
  public REPORT_EXPORT_LINK_TTL_SECONDS = 900;

  public get migrateOnStart(): boolean {
    return !this.isProduction && this.MIGRATIONS_RUN_ON_START;
  }
}
