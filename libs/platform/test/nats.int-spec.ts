import { EVENT_STREAMS, streamNameFor, type DomainEventEnvelope } from '@casino/contracts';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { loadConfig, readEnvironment } from '../src/config/load-config';
import { PlatformSettings } from '../src/config/platform-settings';
import { NatsEventBus } from '../src/nats/nats-event-bus';
import { ensureStreams } from '../src/nats/streams';
import { uniqueTestId } from '../src/testing/test-resources';

describe('NATS JetStream (integration, real server)', () => {
  const settings = loadConfig(PlatformSettings, readEnvironment());
  const prefix = uniqueTestId('natsplatform');
  const options = {
    servers: settings.NATS_URL,
    subjectPrefix: prefix,
    clientName: 'test',
    duplicateWindowSeconds: 60,
    streamReplicas: 1,
  };
  let connection: NatsConnection;

  beforeAll(async () => {
    connection = await connect({ servers: settings.NATS_URL });
  });

  afterAll(async () => {
    const manager = await connection.jetstreamManager();
    for (const stream of Object.values(EVENT_STREAMS)) {
      await manager.streams.delete(streamNameFor(prefix, stream)).catch(() => false);
    }
    await connection.close();
  });

  it('creates every stream, and running again changes nothing', async () => {
    const first = await ensureStreams(connection, options);
    const second = await ensureStreams(connection, options);
    expect(second).toEqual(first);
    const manager = await connection.jetstreamManager();
    const info = await manager.streams.info(streamNameFor(prefix, EVENT_STREAMS.WALLET));
    expect(info.config.subjects).toEqual([`${prefix}.wallet.>`]);
    expect(info.config.duplicate_window).toBe(60 * 1_000_000_000);
  });

  it('publishes an event once even when it is published twice (message id = event id)', async () => {
    await ensureStreams(connection, options);
    const bus = new NatsEventBus(connection, options);
    const event: DomainEventEnvelope = {
      id: randomUUID(),
      type: 'wallet.transaction.completed',
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: 'wallet-1',
      payload: { amount: '100' },
    };
    const first = await bus.publish(EVENT_STREAMS.WALLET, event);
    const again = await bus.publish(EVENT_STREAMS.WALLET, event);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ duplicate: true, sequence: first.sequence });

    const manager = await connection.jetstreamManager();
    const info = await manager.streams.info(streamNameFor(prefix, EVENT_STREAMS.WALLET));
    expect(info.state.messages).toBe(1);
    const stored = await manager.streams.getMessage(streamNameFor(prefix, EVENT_STREAMS.WALLET), {
      seq: first.sequence,
    });
    expect(stored.subject).toBe(`${prefix}.wallet.wallet.transaction.completed`);
    expect(stored.json()).toEqual(event);
  });
});
