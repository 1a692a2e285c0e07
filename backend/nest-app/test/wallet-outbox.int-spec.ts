import { EVENT_BUS, type EventBus, type PublishOutcome } from '@casino/platform';
import { eventually } from '@casino/platform/testing';
import type { DomainEventEnvelope, EventStreamKey } from '@casino/contracts';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '../src/config/app-config';
import { OutboxRelay } from '../src/infra/outbox/outbox.relay';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import {
  committedTransactions,
  expectInvariants,
  pendingOutboxRows,
  QUIET_WALLET_SETTINGS,
  readStream,
  walletKit,
  type WalletKit,
} from './wallet-test-kit';

/** The real bus behind a switch that makes every publish fail, and a count of what got through. */
class SwitchableBus implements EventBus {
  public down = false;
  public readonly published: string[] = [];

  public constructor(private readonly real: EventBus) {}

  public async publish(stream: EventStreamKey, event: DomainEventEnvelope): Promise<PublishOutcome> {
    if (this.down) throw new Error('nats: connection refused (test)');
    const outcome = await this.real.publish(stream, event);
    this.published.push(event.id);
    return outcome;
  }
}

describe('wallet outbox relay (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;
  let bus: SwitchableBus;
  let relays: OutboxRelay[] = [];

  beforeAll(async () => {
    environment = await createTestEnvironment('walletoutbox', {
      ...QUIET_WALLET_SETTINGS,
      OUTBOX_RELAY_BATCH_SIZE: '50',
      OUTBOX_RELAY_INTERVAL_MS: '20',
    });
    app = await startTestApp(environment.config);
    kit = walletKit(app);
    bus = new SwitchableBus(app.get<EventBus>(EVENT_BUS));
  });

  afterEach(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    relays = [];
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  function startRelays(count: number, settings: Partial<AppConfig> = {}): void {
    const config = Object.assign(Object.create(AppConfig.prototype) as AppConfig, app.get(AppConfig), settings);
    for (let index = 0; index < count; index += 1) {
      const relay = new OutboxRelay(kit.dataSource, bus, config);
      relay.start();
      relays.push(relay);
    }
  }

  async function load(wallets: number, betsPerWallet: number): Promise<void> {
    const funded = await Promise.all(Array.from({ length: wallets }, () => kit.funded(10_000n)));
    await Promise.all(
      funded.map(async ({ walletId }) => {
        for (let bet = 0; bet < betsPerWallet; bet += 1) {
          await kit.wallets.placeBet({
            wallet: { walletId },
            currency: 'EUR',
            amount: 7n,
            provider: 'hub88',
            idempotency: kit.key(),
          });
        }
      }),
    );
  }

  it('publishes every event once, in each wallet’s order, with three relays at work', async () => {
    startRelays(3);
    await load(8, 15);
    await eventually(async () => (await pendingOutboxRows(kit.dataSource)) === 0, 20_000);
    const committed = await committedTransactions(kit.dataSource);
    // No two relays ever published the same row: the bus saw each event id once (JetStream's dedup not needed).
    expect(bus.published.length).toBe(new Set(bus.published).size);
    const stream = await readStream(environment.config, 'wallet');
    const completed = stream.filter((event) => event.type === 'wallet.transaction.completed');
    expect(completed.map((event) => event.id).sort()).toEqual(committed.map((row) => row.event_id).sort());
    for (const walletId of new Set(committed.map((row) => row.wallet_id))) {
      const expected = committed.filter((row) => row.wallet_id === walletId).map((row) => row.event_id);
      expect(completed.filter((event) => event.aggregateId === walletId).map((event) => event.id)).toEqual(expected);
    }
    await expectInvariants(kit);
  }, 60_000);

  it('keeps events pending while NATS is down and loses none when it returns', async () => {
    const before = (await readStream(environment.config, 'wallet')).length;
    bus.down = true;
    startRelays(1);
    await load(4, 10);
    await eventually(async () => {
      const rows = (await kit.dataSource.query(
        `SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL AND attempts > 0 AND last_error LIKE '%connection refused%'`,
      )) as { n: number }[];
      return (rows[0]?.n ?? 0) > 0;
    });
    expect(await pendingOutboxRows(kit.dataSource)).toBe(40 + 4);
    bus.down = false;
    await eventually(async () => (await pendingOutboxRows(kit.dataSource)) === 0, 20_000);
    const stream = await readStream(environment.config, 'wallet');
    expect(stream.length - before).toBe(44);
    const ids = stream.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    await expectInvariants(kit);
  }, 60_000);

  it('wakes on committed events (LISTEN/NOTIFY) instead of waiting for its poll', async () => {
    // A poll of 60 s: only a wake-up can publish these events within the 20 s allowed below.
    startRelays(1, { OUTBOX_RELAY_INTERVAL_MS: 60_000, OUTBOX_RELAY_WAKE_ON_NOTIFY: true });
    await eventually(async () => (await pendingOutboxRows(kit.dataSource)) === 0, 20_000);
    const listening = async (): Promise<boolean> => {
      const rows = (await kit.dataSource.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'casino-outbox-wake' AND datname = current_database()`,
      )) as { n: number }[];
      return (rows[0]?.n ?? 0) > 0;
    };
    await eventually(listening, 20_000);
    await load(3, 4);
    await eventually(async () => (await pendingOutboxRows(kit.dataSource)) === 0, 20_000);
    await expectInvariants(kit);
  }, 60_000);
});
