import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  EUR,
  balances,
  create,
  newPlayer,
  startPaymentSuite,
  verifyKyc,
  type PaymentSuite,
  type Player,
} from './payment-test-kit';
import { totpCode, waitForFreshStep } from './support/totp';

// Issue 6: "withdrawals may require step-up 2FA when it is enabled" (auth reference: TOTP, never a code twice).

describe('payments: step-up 2FA before a withdrawal', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-stepup', {
      WITHDRAWAL_STEP_UP_REQUIRED: 'true',
      MFA_STEP_UP_TTL_SECONDS: '300',
    });
    app = suite.app;
  });

  afterAll(() => suite?.close());

  const post = (player: Player, url: string, payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url, headers: player.headers, payload });

  async function enableTotp(player: Player): Promise<string> {
    const { secret } = (await post(player, '/api/v1/auth/2fa/totp/setup', {})).json<{ secret: string }>();
    await waitForFreshStep();
    const enabled = await post(player, '/api/v1/auth/2fa/totp/enable', { code: totpCode(secret) });
    expect(enabled.statusCode).toBe(200);
    return secret;
  }

  it('lets a player without a second factor withdraw', async () => {
    const player = await newPlayer(app, 10000n);
    await verifyKyc(app, player.userId);
    const response = await create(app, player, 'withdrawals', EUR('1000'));
    expect(response.statusCode).toBe(201);
  });

  it('refuses a player with TOTP until they step up, moving no money, then accepts', async () => {
    const player = await newPlayer(app, 10000n);
    await verifyKyc(app, player.userId);
    const secret = await enableTotp(player);

    const refused = await create(app, player, 'withdrawals', EUR('2500'));
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({
      error: { code: 'MFA_STEP_UP_REQUIRED', details: { stepUp: '/api/v1/auth/2fa/step-up' } },
    });
    expect(await balances(app, player.userId)).toEqual({ cash: 10000n, held: 0n, available: 10000n });

    // The code used to enable TOTP is spent; the next step's code is not.
    const stepUp = await post(player, '/api/v1/auth/2fa/step-up', { code: totpCode(secret, 1) });
    expect(stepUp.statusCode).toBe(200);

    const accepted = await create(app, player, 'withdrawals', EUR('2500'));
    expect(accepted.statusCode).toBe(201);
    expect(await balances(app, player.userId)).toEqual({ cash: 7500n, held: 2500n, available: 7500n });
  });
});
