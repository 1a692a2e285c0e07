import { DisposableNats, eventually } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import {
  expectInvariants,
  expectWalletEventsOnceInOrder,
  pendingOutboxRows,
  walletKit,
  type WalletKit,
} from './wallet-test-kit';

/**
 * Issue 4: "NATS stopped during a load: no event lost after it returns". A nats-server of this suite's
 * own is killed while bets keep coming, then started again on the same port and store.
 */
describe('wallet while NATS is down (integration, real nats-server killed mid-load)', () => {
  let nats: DisposableNats;
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;

  beforeAll(async () => {
    nats = await DisposableNats.start();
    environment = await createTestEnvironment('walletnatsdown', {
      NATS_URL: nats.url,
      OUTBOX_RELAY_INTERVAL_MS: '50',
      WALLET_USER_CONSUMER_ENABLED: 'false',
    });
    app = await startTestApp(environment.config);
    kit = walletKit(app);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await nats?.dispose();
  });

  it('keeps taking bets, keeps their events, and publishes each exactly once in wallet order when NATS returns', async () => {
    const wallets = await Promise.all(Array.from({ length: 8 }, () => kit.funded(100_000n)));
    let running = true;
    let failures = 0;
    const bettors = wallets.map(async ({ walletId }) => {
      while (running) {
        await kit.wallets
          .placeBet({ wallet: { walletId }, currency: 'EUR', amount: 1n, provider: 'hub88', idempotency: kit.key() })
          .catch(() => (failures += 1));
      }
    });

    await new Promise((resolve) => setTimeout(resolve, 500));
    await nats.stop();
    // Money keeps moving while the broker is gone; the outbox keeps what the relay cannot send.
    await eventually(async () => (await pendingOutboxRows(kit.dataSource)) > 50, 15_000);
    await nats.restart();
    await new Promise((resolve) => setTimeout(resolve, 300));
    running = false;
    await Promise.all(bettors);
    expect(failures).toBe(0);

    await eventually(async () => (await pendingOutboxRows(kit.dataSource)) === 0, 30_000);
    await expectWalletEventsOnceInOrder(
      kit.dataSource,
      environment.config,
      wallets.map(({ walletId }) => walletId),
    );
    await expectInvariants(kit);
  }, 90_000);
});
