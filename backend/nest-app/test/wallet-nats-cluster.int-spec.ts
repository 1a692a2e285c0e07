import { DisposableNatsCluster, eventually } from '@casino/platform/testing';
import { streamNameFor } from '@casino/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect } from 'nats';
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
 * Issue 22: a three-node JetStream cluster with three replicas of every stream. The node leading the wallet stream
 * is killed while bets keep coming: the other two elect a new leader and the relay goes on; nothing is lost or
 * published twice, and the killed node catches up when it returns.
 */
describe('wallet events on a 3-node NATS cluster, its stream leader killed mid-load (integration)', () => {
  let cluster: DisposableNatsCluster;
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;

  beforeAll(async () => {
    cluster = await DisposableNatsCluster.start();
    environment = await createTestEnvironment('walletnatscluster', {
      NATS_URL: cluster.url,
      NATS_STREAM_REPLICAS: '3',
      OUTBOX_RELAY_INTERVAL_MS: '50',
      WALLET_USER_CONSUMER_ENABLED: 'false',
    });
    app = await startTestApp(environment.config);
    kit = walletKit(app);
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await cluster?.dispose();
  });

  /** The wallet stream's info, asked again while the JetStream API does not answer (during a leader election). */
  async function walletStream() {
    const connection = await connect({ servers: cluster.url.split(',') });
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const manager = await connection.jetstreamManager();
          return await manager.streams.info(streamNameFor(environment.config.NATS_SUBJECT_PREFIX, 'wallet'));
        } catch (error) {
          if (attempt >= 15) throw error;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    } finally {
      await connection.close();
    }
  }

  it('keeps every event exactly once, in wallet order, when the stream leader dies and returns', async () => {
    const before = await walletStream();
    expect(before.config.num_replicas).toBe(3);
    const leader = before.cluster?.leader ?? '';
    expect(cluster.nodes.map((node) => node.name)).toContain(leader);

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
    await cluster.node(leader).stop();
    // The two nodes left elect a new leader of the stream, and the relay publishes to it.
    await eventually(async () => {
      const info = await walletStream().catch(() => null);
      return Boolean(info?.cluster?.leader) && info?.cluster?.leader !== leader;
    }, 30_000);
    const published = (await walletStream()).state.messages;
    await eventually(async () => (await walletStream()).state.messages > published + 50, 15_000);
    await cluster.node(leader).restart();
    running = false;
    await Promise.all(bettors);
    expect(failures).toBe(0);

    await eventually(async () => (await pendingOutboxRows(kit.dataSource)) === 0, 30_000);
    await expectWalletEventsOnceInOrder(
      kit.dataSource,
      environment.config,
      wallets.map(({ walletId }) => walletId),
    );
    // The returned node catches up: all three replicas current again.
    await eventually(async () => {
      const info = await walletStream();
      const replicas = info.cluster?.replicas ?? [];
      return replicas.length === 2 && replicas.every((replica) => replica.current);
    }, 30_000);
    await expectInvariants(kit);
  }, 120_000);
});
