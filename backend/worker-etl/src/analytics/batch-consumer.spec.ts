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
 * A JetStream consumer whose continuous `consume` hands over `count` messages at once through its callback, then
 * nothing more until it is closed (the stream is drained).
 */
function connection(record: FakeMessage[], count: number): NatsConnection {
  const consumer = {
    consume: async ({ callback }: { callback: (message: JsMsg) => void }) => {
      for (let seq = 1; seq <= count; seq += 1) callback(message(seq, record));
      let close: () => void = () => undefined;
      const closed = new Promise<null>((resolve) => (close = () => resolve(null)));
      return { closed: () => closed, close: async () => close() };
    },
    info: async () => ({ num_pending: 0, num_ack_pending: 0 }),
  };
  return {
    isClosed: () => false,
    jetstream: () => ({ consumers: { get: async () => consumer } }),
  } as unknown as NatsConnection;
}

describe('BatchConsumer when the worker stops', () => {
  it('acknowledges what it loaded and hands back at once what it had not, leaving nothing for the ack wait', async () => {
    const record: FakeMessage[] = [];
    const loaded: string[] = [];
    // Two full batches of 2 load (LOADS_IN_FLIGHT), the fifth message waits in a batch still collecting.
    const consumer = new BatchConsumer(connection(record, 5), {
      stream: 'WALLET' as never,
      eventType: '*',
      subjectPrefix: 'test',
      durableName: 'facts',
      maxEvents: 2,
      maxWaitMs: 60_000,
      ackWaitSeconds: 60,
      handle: async (events) => {
        loaded.push(...events.map((event) => event.id));
      },
    });
    consumer.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await consumer.stop();

    expect(loaded).toEqual(['event-1', 'event-2', 'event-3', 'event-4']);
    expect(record.filter((state) => state.acked).map((state) => state.seq)).toEqual([1, 2, 3, 4]);
    expect(record.filter((state) => state.naked).map((state) => state.seq)).toEqual([5]);
    expect(record.filter((state) => !state.acked && !state.naked)).toEqual([]);
  });
});
