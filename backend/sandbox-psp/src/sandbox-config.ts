import type { RetrySchedule } from './webhook-sender';

/** The sandbox PSP's settings, from the environment (the same names nest-app uses for its side). */
export interface SandboxConfig {
  host: string;
  port: number;
  /** Where players' browsers reach the hosted payment page. */
  publicUrl: string;
  /** The secret API key nest-app authenticates with (`Authorization: Bearer …`, as Stripe's SDK sends it). */
  apiKey: string;
  /** Signing secrets; with several (a rotation) every webhook carries one `v1` per secret. */
  webhookSecrets: string[];
  webhookUrl: string;
  /** Pause before each webhook delivery, in milliseconds (asynchronous, as a real PSP). */
  webhookDelayMs: number;
  /** When an undelivered webhook is sent again: Stripe's exponential backoff over 3 days, compressible for local use. */
  webhookRetry: RetrySchedule;
  /** `auto`: payouts settle after payoutDelayMs (amounts ending in 13 fail); `manual`: only the control endpoints settle them. */
  payoutMode: 'auto' | 'manual';
  payoutDelayMs: number;
}

const THREE_DAYS_MS = 3 * 24 * 3600 * 1000;

export class SandboxConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SandboxConfigError(`${name}: must be an integer from ${min} to ${max}`);
  }
  return value;
}

function text(env: NodeJS.ProcessEnv, name: string, fallback: string, pattern: RegExp): string {
  const value = env[name] === undefined || env[name] === '' ? fallback : (env[name] as string);
  if (!pattern.test(value)) throw new SandboxConfigError(`${name}: must match ${pattern.source}`);
  return value;
}

/** The one place the sandbox PSP reads the environment (tests pass their own settings). */
export function loadSandboxConfig(env: NodeJS.ProcessEnv = process.env): SandboxConfig {
  if (env['NODE_ENV'] === 'production') {
    throw new SandboxConfigError('NODE_ENV: the sandbox PSP never runs in production');
  }
  const port = integer(env, 'SANDBOX_PSP_PORT', 4010, 1, 65535);
  const host = text(env, 'SANDBOX_PSP_HOST', '127.0.0.1', /^[A-Za-z0-9.:-]+$/);
  return {
    host,
    port,
    publicUrl: text(env, 'SANDBOX_PSP_PUBLIC_URL', `http://127.0.0.1:${port}`, /^https?:\/\/\S+$/),
    apiKey: text(env, 'SANDBOX_PSP_API_KEY', 'sk_test_sandbox_dev_only', /^sk_test_[A-Za-z0-9_]{4,}$/),
    webhookSecrets: text(
      env,
      'SANDBOX_PSP_WEBHOOK_SECRET',
      'whsec_sandbox_dev_only',
      /^whsec_\w{8,}(,whsec_\w{8,})*$/,
    ).split(','),
    webhookUrl: text(
      env,
      'SANDBOX_PSP_WEBHOOK_URL',
      'http://127.0.0.1:3000/api/v1/payments/webhooks/sandbox',
      /^https?:\/\/\S+$/,
    ),
    webhookDelayMs: integer(env, 'SANDBOX_PSP_WEBHOOK_DELAY_MS', 200, 0, 60000),
    webhookRetry: {
      firstDelayMs: integer(env, 'SANDBOX_PSP_WEBHOOK_RETRY_FIRST_MS', 1000, 1, 3_600_000),
      maxDelayMs: integer(env, 'SANDBOX_PSP_WEBHOOK_RETRY_MAX_MS', 60_000, 1, 86_400_000),
      windowMs: integer(env, 'SANDBOX_PSP_WEBHOOK_RETRY_WINDOW_MS', THREE_DAYS_MS, 0, THREE_DAYS_MS),
    },
    payoutMode: text(env, 'SANDBOX_PSP_PAYOUT_MODE', 'auto', /^(auto|manual)$/) as 'auto' | 'manual',
    payoutDelayMs: integer(env, 'SANDBOX_PSP_PAYOUT_DELAY_MS', 1000, 0, 600000),
  };
}
