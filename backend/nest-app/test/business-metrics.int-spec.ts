import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OutboxRelay } from '../src/infra/outbox/outbox.relay';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import { codeOf, QUIET_WALLET_SETTINGS, walletKit, type WalletKit } from './wallet-test-kit';

/** One sample of `GET /metrics` (0 when the series is absent), as Prometheus would scrape it. */
async function sample(app: NestFastifyApplication, series: string): Promise<number> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('business and pipeline metrics of nest-app (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;

  beforeAll(async () => {
    // No relay in process: the suite publishes the outbox itself.
    environment = await createTestEnvironment('bizmetrics', QUIET_WALLET_SETTINGS);
    app = await startTestApp(environment.config);
    kit = walletKit(app);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  const deposits = 'wallet_transactions_total{type="deposit",currency="EUR"}';
  const depositedMinor = 'wallet_transaction_amount_minor_total{type="deposit",currency="EUR"}';
  const bets = 'wallet_transactions_total{type="bet",currency="EUR"}';
  const betMinor = 'wallet_transaction_amount_minor_total{type="bet",currency="EUR"}';
  const refusedBets = 'wallet_command_refusals_total{type="bet",code="INSUFFICIENT_FUNDS"}';

  it('counts committed transactions and their minor units once, replays not again, refusals by code', async () => {
    const before = {
      deposits: await sample(app, deposits),
      depositedMinor: await sample(app, depositedMinor),
      bets: await sample(app, bets),
      betMinor: await sample(app, betMinor),
      refusedBets: await sample(app, refusedBets),
    };
    const { walletId } = await kit.funded(2500n);
    const bet = { wallet: { walletId }, currency: 'EUR', provider: 'hub88', amount: 700n, idempotency: kit.key() };
    await kit.wallets.placeBet(bet);
    await kit.wallets.placeBet(bet); // a provider's retry: replayed, not moved again
    expect(await codeOf(kit.wallets.placeBet({ ...bet, amount: 5000n, idempotency: kit.key() }))).toBe(
      'INSUFFICIENT_FUNDS',
    );

    expect({
      deposits: await sample(app, deposits),
      depositedMinor: await sample(app, depositedMinor),
      bets: await sample(app, bets),
      betMinor: await sample(app, betMinor),
      refusedBets: await sample(app, refusedBets),
    }).toEqual({
      deposits: before.deposits + 1,
      depositedMinor: before.depositedMinor + 2500,
      bets: before.bets + 1,
      betMinor: before.betMinor + 700,
      refusedBets: before.refusedBets + 1,
    });
  });

  it('shows the outbox backlog and the age of its oldest event on scrape, both 0 once the relay published it', async () => {
    await kit.funded(100n);
    await kit.dataSource.query(
      `UPDATE outbox_events SET created_at = now() - interval '90 seconds' WHERE published_at IS NULL`,
    );
    const pending = Number(
      (
        (await kit.dataSource.query(`SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL`)) as {
          n: string;
        }[]
      )[0]?.n,
    );
    expect(pending).toBeGreaterThan(0);
    expect(await sample(app, 'outbox_pending_events')).toBe(pending);
    expect(await sample(app, 'outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(90);

    const published = await sample(app, 'outbox_published_events_total');
    const relay = app.get(OutboxRelay);
    while ((await relay.runOnce()).claimed > 0);

    expect(await sample(app, 'outbox_pending_events')).toBe(0);
    expect(await sample(app, 'outbox_oldest_pending_age_seconds')).toBe(0);
    expect(await sample(app, 'outbox_published_events_total')).toBe(published + pending);
  });
});
