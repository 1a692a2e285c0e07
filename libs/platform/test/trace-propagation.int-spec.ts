import { EVENT_STREAMS, streamNameFor, type DomainEventEnvelope, type TraceCarrier } from '@casino/contracts';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { loadConfig, readEnvironment } from '../src/config/load-config';
import { PlatformSettings } from '../src/config/platform-settings';
import { DurableConsumer } from '../src/nats/durable-consumer';
import { NatsEventBus } from '../src/nats/nats-event-bus';
import { ensureStreams } from '../src/nats/streams';
import { startInMemoryTracing } from '../src/testing/in-memory-tracing';
import { eventually, uniqueTestId } from '../src/testing/test-resources';
import { processTracedJob, tracedJob } from '../src/tracing/job-trace';
import { currentTraceCarrier, inBatchSpan, inSpan } from '../src/tracing/trace-context';

const tracing = startInMemoryTracing();
const named = (name: string): ReadableSpan[] => tracing.spans().filter((span) => span.name === name);
const idOf = (span: ReadableSpan | undefined): string | undefined => span?.spanContext().spanId;
const parentOf = (span: ReadableSpan | undefined): string | undefined => span?.parentSpanContext?.spanId;

function walletEvent(): DomainEventEnvelope {
  return {
    id: randomUUID(),
    type: 'wallet.transaction.completed',
    version: 1,
    occurredAt: new Date().toISOString(),
    aggregateId: randomUUID(),
    payload: { amount: '100' },
  };
}

/** A carrier naming a span that ended: what an outbox row keeps of the request that wrote it. */
async function carrierOfSpan(name: string): Promise<TraceCarrier> {
  const carrier = await inSpan(name, {}, async () => currentTraceCarrier());
  if (!carrier) throw new Error('no trace active');
  return carrier;
}

describe('W3C trace context across NATS and BullMQ (integration, real servers, in-memory spans)', () => {
  const settings = loadConfig(PlatformSettings, readEnvironment());
  const prefix = uniqueTestId('traceprop');
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
    await ensureStreams(connection, options);
  });

  afterAll(async () => {
    const manager = await connection.jetstreamManager();
    for (const stream of Object.values(EVENT_STREAMS)) {
      await manager.streams.delete(streamNameFor(prefix, stream)).catch(() => false);
    }
    await connection.close();
    await tracing.shutdown();
  });

  it('publishes with traceparent headers and a consumer continues the trace as the publish span’s child', async () => {
    const bus = new NatsEventBus(connection, options);
    const relayed = walletEvent();
    const requested = walletEvent();
    // The relay's case: the event brings the trace of the request that wrote its outbox row.
    const writer = await carrierOfSpan('test.outbox-writer');
    await bus.publish(EVENT_STREAMS.WALLET, relayed, writer);
    // A publish inside a request, without an outbox row: the active span is the parent.
    await inSpan('test.request', {}, () => bus.publish(EVENT_STREAMS.WALLET, requested));

    const handled: string[] = [];
    const activeInHandler: (TraceCarrier | null)[] = [];
    const consumer = new DurableConsumer(connection, {
      stream: EVENT_STREAMS.WALLET,
      eventType: 'wallet.transaction.completed',
      subjectPrefix: prefix,
      durableName: `${prefix}-trace`,
      handle: async (event) => {
        activeInHandler.push(currentTraceCarrier());
        handled.push(event.id);
      },
    });
    consumer.start();
    await eventually(async () => handled.length === 2, 15_000, 50);
    await consumer.stop();
    // The handler runs inside the consumer's span: what it writes or publishes joins the trace.
    expect(activeInHandler.every((carrier) => carrier !== null)).toBe(true);

    const subject = `${prefix}.wallet.wallet.transaction.completed`;
    const publishes = named(`${subject} publish`);
    const processes = named(`${subject} process`);
    const [writerSpan] = named('test.outbox-writer');
    const [requestSpan] = named('test.request');
    const relayedPublish = publishes.find((span) => span.attributes['messaging.message.id'] === relayed.id);
    const requestedPublish = publishes.find((span) => span.attributes['messaging.message.id'] === requested.id);
    expect(relayedPublish?.kind).toBe(SpanKind.PRODUCER);
    expect(parentOf(relayedPublish)).toBe(idOf(writerSpan));
    expect(parentOf(requestedPublish)).toBe(idOf(requestSpan));

    const processOf = (id: string) => processes.find((span) => span.attributes['messaging.message.id'] === id);
    expect(processOf(relayed.id)?.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(processOf(relayed.id))).toBe(idOf(relayedPublish));
    expect(processOf(relayed.id)?.spanContext().traceId).toBe(writerSpan?.spanContext().traceId);
    expect(parentOf(processOf(requested.id))).toBe(idOf(requestedPublish));

    const stored = await (
      await connection.jetstreamManager()
    ).streams.getMessage(streamNameFor(prefix, EVENT_STREAMS.WALLET), { seq: 1 });
    expect(stored.header.get('traceparent')).toMatch(
      new RegExp(`^00-${writerSpan?.spanContext().traceId}-${idOf(relayedPublish)}-01$`),
    );
  });

  it('carries the enqueuing request’s trace in a BullMQ job; the processor’s span is its child', async () => {
    const connectionOptions = { url: settings.REDIS_URL, maxRetriesPerRequest: null };
    const queuePrefix = `${prefix}-bull`;
    const queue = new Queue('trace-test', { connection: connectionOptions, prefix: queuePrefix });
    const seen: (TraceCarrier | null)[] = [];
    const worker = new Worker(
      'trace-test',
      (job) =>
        processTracedJob('trace-test', job, async () => {
          seen.push(currentTraceCarrier());
        }),
      { connection: connectionOptions, prefix: queuePrefix },
    );
    try {
      await inSpan('test.enqueue', {}, () => queue.add('traced', tracedJob({ what: 'mail' })));
      await queue.add('untraced', tracedJob({ what: 'scheduled' }));
      await eventually(async () => seen.length === 2, 15_000, 50);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
    const [enqueue] = named('test.enqueue');
    const processes = named('trace-test process');
    const traced = processes.find((span) => span.attributes['messaging.operation.name'] === 'traced');
    const untraced = processes.find((span) => span.attributes['messaging.operation.name'] === 'untraced');
    expect(traced?.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(traced)).toBe(idOf(enqueue));
    expect(traced?.spanContext().traceId).toBe(enqueue?.spanContext().traceId);
    // A job enqueued outside any trace starts its own.
    expect(untraced).toBeDefined();
    expect(parentOf(untraced)).toBeUndefined();
  });

  it('gives batched work one span that links every item and is the child of the first traced item', async () => {
    const first = await carrierOfSpan('test.item-1');
    const second = await carrierOfSpan('test.item-2');
    await inBatchSpan('test.batch', [null, first, second], {}, async () => undefined);
    const batches = named('test.batch');
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    const [item1] = named('test.item-1');
    const [item2] = named('test.item-2');
    expect(parentOf(batch)).toBe(idOf(item1));
    expect(batch?.links.map((link) => link.context.spanId)).toEqual([idOf(item1), idOf(item2)]);
    expect(batch?.attributes['batch.size']).toBe(3);
  });
});
