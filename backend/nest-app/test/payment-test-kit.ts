import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createServer, type AddressInfo } from 'node:net';
import { loadSandboxConfig } from '../../sandbox-psp/src/sandbox-config';
import { buildSandboxPsp, type SandboxPsp } from '../../sandbox-psp/src/sandbox-psp';
import type { SandboxPaymentIntent } from '../../sandbox-psp/src/sandbox-store';
import { buildEvent, signatureHeader } from '../../sandbox-psp/src/webhook-sender';
import { createNestApp } from '../src/bootstrap';
import type { AppConfig } from '../src/config/app-config';
import type { PaymentProvider } from '../src/modules/payment/psp/payment-provider';
import { PaymentProviders } from '../src/modules/payment/psp/payment-providers';
import { SandboxProvider } from '../src/modules/payment/psp/sandbox.provider';
import { seedEligiblePlayer } from '../src/modules/user/eligibility/seed-eligible-player';
import { KycService } from '../src/modules/user/kyc/kyc.service';
import { WalletService } from '../src/modules/wallet/wallet.service';
import { bearer, signIn, uniqueEmail } from './support/sign-in';
import { testMailDelivery, testSmsDelivery } from './support/test-app';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

export const SANDBOX_KEY = 'sk_test_payment_suite_sandbox';
export const SANDBOX_SECRET = 'whsec_payment_suite_sandbox';
export const STRIPE_KEY = 'sk_test_payment_suite_stripe';
export const STRIPE_SECRET = 'whsec_payment_suite_stripe';

/** A sandbox PSP on a free port; also the stand-in for Stripe's API (it speaks Stripe's API shape). */
export async function startSandbox(options: {
  apiKey: string;
  secret: string;
  webhookUrl?: string;
  payoutMode?: 'auto' | 'manual';
  /** Undelivered webhooks given up after this long (the suites' default, ~6 s, keeps a lost webhook lost). */
  webhookRetryWindowMs?: number;
}): Promise<{ psp: SandboxPsp; url: string }> {
  const port = await freePort();
  const config = loadSandboxConfig({
    SANDBOX_PSP_PORT: String(port),
    SANDBOX_PSP_API_KEY: options.apiKey,
    SANDBOX_PSP_WEBHOOK_SECRET: options.secret,
    SANDBOX_PSP_WEBHOOK_URL: options.webhookUrl ?? 'http://127.0.0.1:9/unused',
    SANDBOX_PSP_WEBHOOK_DELAY_MS: '10',
    SANDBOX_PSP_WEBHOOK_RETRY_FIRST_MS: '200',
    SANDBOX_PSP_WEBHOOK_RETRY_MAX_MS: '2000',
    SANDBOX_PSP_WEBHOOK_RETRY_WINDOW_MS: String(options.webhookRetryWindowMs ?? 6000),
    SANDBOX_PSP_PAYOUT_MODE: options.payoutMode ?? 'manual',
  });
  const psp = buildSandboxPsp(config);
  const url = await psp.app.listen({ host: '127.0.0.1', port });
  return { psp, url };
}

/** The sandbox provider with the suite's credentials, pointed at a port nothing listens on (a PSP that does not answer). */
export function unreachableSandboxProvider(): SandboxProvider {
  return new SandboxProvider({
    apiKey: SANDBOX_KEY,
    apiUrl: 'http://127.0.0.1:9',
    webhookSecrets: [SANDBOX_SECRET],
    toleranceSeconds: 300,
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Settings of a payment suite: both providers pointed at local sandboxes, no scheduled reconciliation or expiry. */
export function paymentSettings(
  sandboxUrl: string,
  stripeUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    SANDBOX_PSP_URL: sandboxUrl,
    SANDBOX_PSP_API_KEY: SANDBOX_KEY,
    SANDBOX_PSP_WEBHOOK_SECRET: SANDBOX_SECRET,
    STRIPE_API_URL: stripeUrl,
    STRIPE_API_KEY: STRIPE_KEY,
    STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    PAYMENT_RECONCILIATION_INTERVAL_SECONDS: '0',
    PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS: '0',
    PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS: '0',
    ADMIN_EMAIL: uniqueEmail('admin'),
    ...extra,
  };
}

/**
 * nest-app listening on a free port (the sandbox PSP delivers its webhooks over HTTP), with `extraModules` mounted
 * beside it (worker-etl's export consumer for the report screens).
 */
export async function startListeningApp(
  config: AppConfig,
  extraModules: (Type<unknown> | DynamicModule)[] = [],
): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createNestApp(config, [...extraModules, testMailDelivery(), testSmsDelivery()]);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${address.port}` };
}

/** A payment's body in euros through the sandbox PSP (`amount` in minor units). */
export const EUR = (amount: string): { amount: string; currency: string; provider: string } => ({
  amount,
  currency: 'EUR',
  provider: 'sandbox',
});

export interface Player {
  userId: string;
  headers: Record<string, string>;
}

/**
 * A signed-in player (real sign-in) with an EUR wallet, funded when `cash` is given; eligible for real money (current
 * terms, verified age, but no KYC check) unless `eligible` is false.
 */
export async function newPlayer(app: NestFastifyApplication, cash = 0n, eligible = true): Promise<Player> {
  const signedIn = await signIn(app);
  if (eligible) await seedEligiblePlayer(app, signedIn.userId, 'test');
  const wallets = app.get(WalletService);
  await wallets.openWallet(signedIn.userId, 'EUR');
  if (cash > 0n) {
    await wallets.deposit({
      wallet: { userId: signedIn.userId },
      currency: 'EUR',
      amount: cash,
      provider: 'testpsp',
      idempotency: { scope: 'test', key: randomUUID() },
    });
  }
  return { userId: signedIn.userId, headers: bearer(signedIn.accessToken) };
}

export async function verifyKyc(app: NestFastifyApplication, userId: string): Promise<void> {
  const kyc = app.get(KycService);
  await kyc.startCheck(userId, 'basic');
  const officer = { userId: randomUUID(), roles: ['compliance' as const], sessionId: 'payment-suite' };
  await kyc.decide(
    officer,
    userId,
    { status: 'verified', level: 'basic', reason: 'documents checked' },
    { ip: '127.0.0.1', userAgent: 'jest', requestId: 'payment-suite' },
  );
}

export async function balances(
  app: NestFastifyApplication,
  userId: string,
): Promise<{ cash: bigint; held: bigint; available: bigint }> {
  const [wallet] = await app.get(WalletService).walletsOfUser(userId);
  if (!wallet) throw new Error(`no wallet of ${userId}`);
  return { cash: wallet.balances.cash, held: wallet.balances.held, available: wallet.balances.available };
}

export async function create(
  app: NestFastifyApplication,
  player: Player,
  kind: 'deposits' | 'withdrawals',
  payload: Record<string, unknown>,
  key: string = randomUUID(),
) {
  return app.inject({
    method: 'POST',
    url: `/api/v1/payments/${kind}`,
    headers: { ...player.headers, 'idempotency-key': key },
    payload,
  });
}

/** A deposit opened through the API (201): its id and the PSP's hosted payment page. */
export async function openDeposit(
  app: NestFastifyApplication,
  player: Player,
  amount: string,
): Promise<{ id: string; page: string }> {
  const response = await create(app, player, 'deposits', EUR(amount));
  expect(response.statusCode).toBe(201);
  const body = response.json<{ id: string; nextAction: { url: string } }>();
  return { id: body.id, page: body.nextAction.url };
}

/** The payer acts on the PSP's hosted page (`approve`, `decline?hard=1`, `challenge`). */
export async function actOnPaymentPage(page: string, action: string): Promise<void> {
  expect((await fetch(`${page}/${action}`, { method: 'POST' })).status).toBe(200);
}

/** The sandbox PSP's payment created for our intent `intentId`, if any. */
/** A deposit the payer paid at the PSP's page while its webhooks are held (lost, for now). */
export async function paidWithWebhookLost(suite: PaymentSuite, player: Player, amount: string): Promise<string> {
  const { id, page } = await openDeposit(suite.app, player, amount);
  suite.sandbox.psp.webhooks.hold();
  await actOnPaymentPage(page, 'approve');
  return id;
}

/** The intents as last changed `interval` ago (e.g. '10 minutes'): past a run's grace, or an expiry's TTL. */
export async function untouchedFor(app: NestFastifyApplication, interval: string, ids: string[]): Promise<void> {
  await app
    .get(DataSource)
    .query(`UPDATE payment_intents SET updated_at = now() - $2::interval WHERE id = ANY($1::uuid[])`, [ids, interval]);
}

export function findPspPayment(sandbox: { psp: SandboxPsp }, intentId: string): SandboxPaymentIntent | undefined {
  return [...sandbox.psp.store.intents.values()].find((payment) => payment.metadata['intentId'] === intentId);
}

/** The sandbox PSP's payment created for our intent `intentId`; throws when there is none. */
export function pspPaymentOf(sandbox: { psp: SandboxPsp }, intentId: string): SandboxPaymentIntent {
  const payment = findPspPayment(sandbox, intentId);
  if (!payment) throw new Error(`no PSP payment names ${intentId}`);
  return payment;
}

/**
 * A PSP event signed as the sandbox PSP signs its webhooks, delivered to the app and processed before this returns;
 * the webhook's outcome (`applied`, `ignored`…).
 */
export async function deliverSandboxWebhook(
  app: NestFastifyApplication,
  type: string,
  payment: SandboxPaymentIntent,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify(buildEvent(type, payment, now));
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/payments/webhooks/sandbox',
    headers: { 'content-type': 'application/json', 'stripe-signature': signatureHeader([SANDBOX_SECRET], now, body) },
    payload: body,
  });
  expect(response.statusCode).toBe(200);
  return response.json<{ outcome: string }>().outcome;
}

/** Polls until the intent reaches `status` (webhooks arrive asynchronously). */
export async function waitForStatus(
  app: NestFastifyApplication,
  player: Player,
  id: string,
  status: string,
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const response = await app.inject({ method: 'GET', url: `/api/v1/payments/${id}`, headers: player.headers });
    last = response.json<Record<string, unknown>>();
    if (last['status'] === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`intent ${id} did not reach ${status}: ${JSON.stringify(last)}`);
}

/**
 * Polls until the wallet shows `expected`: the status change commits first and the wallet
 * movement follows it (PaymentSettlement), so a client sees the two a moment apart.
 */
export async function waitForBalance(
  app: NestFastifyApplication,
  userId: string,
  expected: Partial<{ cash: bigint; held: bigint; available: bigint }>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await balances(app, userId);
  const matches = (): boolean =>
    Object.entries(expected).every(([key, value]) => last[key as keyof typeof last] === value);
  while (!matches() && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await balances(app, userId);
  }
  expect(last).toMatchObject(expected);
}

export interface PaymentSuite {
  environment: TestEnvironment;
  app: NestFastifyApplication;
  /** The sandbox PSP, its webhooks pointed at the listening app. */
  sandbox: { psp: SandboxPsp; url: string };
  /** A second sandbox speaking Stripe's API, standing in for Stripe. */
  stripeStandIn: { psp: SandboxPsp; url: string };
  close(): Promise<void>;
}

/** A payment suite's world: both PSPs, its own environment, nest-app listening and receiving webhooks. */
export async function startPaymentSuite(
  name: string,
  extra: Record<string, string> = {},
  sandboxOptions: { webhookRetryWindowMs?: number } = {},
): Promise<PaymentSuite> {
  const sandbox = await startSandbox({ apiKey: SANDBOX_KEY, secret: SANDBOX_SECRET, ...sandboxOptions });
  const stripeStandIn = await startSandbox({ apiKey: STRIPE_KEY, secret: STRIPE_SECRET });
  const environment = await createTestEnvironment(name, paymentSettings(sandbox.url, stripeStandIn.url, extra));
  const { app, url } = await startListeningApp(environment.config);
  sandbox.psp.webhooks.setWebhookUrl(`${url}/api/v1/payments/webhooks/sandbox`);
  return {
    environment,
    app,
    sandbox,
    stripeStandIn,
    close: async () => {
      await app.close();
      await sandbox.psp.app.close();
      await stripeStandIn.psp.app.close();
      await environment.dispose();
    },
  };
}

/**
 * Undoes what a test did to the sandbox (for an afterEach): the real provider registered again, faults cleared, held
 * webhooks released and delivered.
 */
export async function resetSandbox(suite: PaymentSuite, realProvider: PaymentProvider): Promise<void> {
  suite.app.get(PaymentProviders).register(realProvider);
  suite.sandbox.psp.faults.clear();
  suite.sandbox.psp.webhooks.release();
  await suite.sandbox.psp.webhooks.idle();
}
