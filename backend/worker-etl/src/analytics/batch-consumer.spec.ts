import type { JsMsg, NatsConnection } from 'nats';
import { BatchConsumer } from './batch-consumer';

jest.mock('@casino/platform', () => ({
  ...jest.requireActual<Record<string, unknown>>('@casino/platform'),
  ensureDurableConsumer: jest.fn(async () => undefined),
}));

interface FakeMessage {
  seq: number;
  acked: boolean;
  naked: boolean;
}

function message(seq: number, record: FakeMessage[]): JsMsg {
  const state: FakeMessage = { seq, acked: false, naked: false };
  record.push(state);
  return {
    seq,
    subject: 'events.wallet',
    headers: undefined,
    data: new TextEncoder().encode(JSON.stringify({ id: `event-${seq}` })),
    ack: () => (state.acked = true),
    nak: () => (state.naked = true),
    term: () => undefined,
  } as unknown as JsMsg;
}

/**
 * A JetStream consumer whose second `info` call fails (the loop is interrupted, as by a NATS or ClickHouse outage's
 * side effects), while a batch is fetched ahead: that batch must go back at once, not wait for the ack wait.
 */
function connection(record: FakeMessage[]): NatsConnection {
  let seq = 0;
  let infos = 0;
  const consumer = {
    fetch: async () => {
      const batch = [message(++seq, record)];
      return (async function* () {
        yield* batch;
      })();
    },
    info: async () => {
      infos += 1;
      if (infos === 1) throw new Error('JetStream API timeout');
      return { num_pending: 0, num_ack_pending: 0 };
    },
  };
  return {
    isClosed: () => false,
    jetstream: () => ({ consumers: { get: async () => consumer } }),
  } as unknown as NatsConnection;
}

describe('BatchConsumer when its loop is interrupted', () => {
  it('naks the batch it had fetched ahead, so it is delivered again at once, not after the ack wait', async () => {
    const record: FakeMessage[] = [];
    const loaded: string[] = [];
    const consumer = new BatchConsumer(connection(record), {
      stream: 'WALLET' as never,
      eventType: '*',
      subjectPrefix: 'test',
      durableName: 'facts',
      maxEvents: 10,
      maxWaitMs: 1000,
      ackWaitSeconds: 60,
      handle: async (events) => {
        loaded.push(...events.map((event) => event.id));
      },
    });
    consumer.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await consumer.stop();

    expect(loaded).toContain('event-1');
    expect(record[0]).toMatchObject({ acked: true });
    // Every message fetched is either loaded and acknowledged or handed back: none left for the ack wait.
    const leftUnanswered = record.filter((state) => !state.acked && !state.naked);
    expect(leftUnanswered).toEqual([]);
    expect(record.some((state) => state.naked)).toBe(true);
  });
});
