import { streamNameFor, subjectFor, type DomainEventEnvelope, type EventStreamKey } from '@casino/contracts';
import {
  ensureDurableConsumer,
  inBatchSpan,
  SpanKind,
  traceCarrierOfHeaders,
  tracePropagationActive,
} from '@casino/platform';
import type { TraceCarrier } from '@casino/contracts';
import { Logger } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, nanos, type Consumer, type JsMsg, type NatsConnection } from 'nats';

export interface BatchConsumerOptions {
  stream: EventStreamKey;
  /** The event types taken, as one filter (`payment.intent.*`); others on the stream never reach this consumer. */
  eventType: string;
  subjectPrefix: string;
  durableName: string;
  /** A batch is handed over when it holds this many events... */
  maxEvents: number;
  /** ...or when this long passed since the fetch began (JetStream's pull expiry: at least 1000 ms). */
  maxWaitMs: number;
  /** Unacknowledged messages are delivered again after this; must exceed a batch's load time. */
  ackWaitSeconds: number;
  /** Must leave nothing half-done: it either loaded every event (or knew it was loaded) or throws. */
  handle(events: DomainEventEnvelope[]): Promise<void>;
  /** Told the stream's messages not yet delivered to this consumer after each fetch. */
  onPending?(pending: number): void;
}

const RETRY_DELAY_MS = 1000;

/** Batches handed to `handle` at once; one more collects meanwhile and JetStream's max_ack_pending bounds the rest. */
const LOADS_IN_FLIGHT = 2;
/** The consumer's pending count is asked for at most this often (a JetStream API request each). */
const PENDING_EVERY_MS = 1000;
/** A consume's pull request lives this long on the server before the client renews it. */
const PULL_EXPIRES_MS = 30_000;
/**
 * Messages one pull asks for (the client asks again as it takes them): a pull of a whole 20,000-event batch put
 * 22 MB ahead of every other reply on the connection, and the worker's own start-up requests timed out behind it.
 */
const PULL_MAX_MESSAGES = 1000;

/**
 * A durable JetStream pull consumer that hands over events in batches and acknowledges a batch only after its
 * handler resolved: a batch that failed (ClickHouse down, the load lock not won) is nak'ed whole and comes back.
 * Several instances with the same durable name share the stream's messages.
 *
 * Messages come from one continuous `consume` (the client renews its pull as it empties, ADR 0015), taken one by one
 * in a synchronous callback: no async iterator step and no pull request per batch, and no message arriving after
 * a fetch's expiry left unseen until its ack wait (a fetch of 20,000 events that took longer than its 1 s expiry to
 * arrive lost its tail that way, and the load stalled for ETL_ACK_WAIT_SECONDS).
 */
export class BatchConsumer {
  private readonly logger: Logger;
  private readonly decoder = new TextDecoder();
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /**
   * Messages not yet loaded, when last asked (a gauge per consumer): waiting to be delivered, or delivered and not
   * acknowledged (a batch ClickHouse refused waits there for its redelivery).
   */
  public pending = 0;
  private pendingAt = 0;

  public constructor(
    private readonly connection: NatsConnection,
    private readonly options: BatchConsumerOptions,
  ) {
    this.logger = new Logger(`BatchConsumer:${options.durableName}`);
  }

  public start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  public async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.ensureConsumer();
        const consumer = await this.connection.jetstream().consumers.get(this.streamName(), this.options.durableName);
        await this.consumeFrom(consumer);
      } catch (error) {
        if (!this.running || this.connection.isClosed()) return;
        this.logger.warn({ err: error }, 'consumer interrupted; starting again');
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  /**
   * Collects messages into batches (closed at maxEvents, or maxWaitMs after their first message) and loads up to
   * LOADS_IN_FLIGHT batches at once, the others waiting their turn in arrival order: one decodes and builds its rows
   * while another's look-up and INSERT run (the load lock still lets one batch at a time look up and insert per
   * table, ADR 0015). Each row is keyed, so the order batches load and are acknowledged in changes nothing.
   * Returns when the worker stops (batches not handed over yet are nak'ed, for any instance to take) or the consume
   * ended (throws its error: the consumer is asked for again).
   */
  private async consumeFrom(consumer: Consumer): Promise<void> {
    const ready: JsMsg[][] = [];
    const loading = new Set<Promise<void>>();
    let collecting: JsMsg[] = [];
    let closeTimer: NodeJS.Timeout | undefined;
    const startLoads = (): void => {
      while (loading.size < LOADS_IN_FLIGHT && ready.length > 0) {
        const load = this.deliver(ready.shift() as JsMsg[]).finally(() => {
          loading.delete(load);
          startLoads();
          void this.observePending(consumer);
        });
        loading.add(load);
      }
    };
    const close = (): void => {
      clearTimeout(closeTimer);
      closeTimer = undefined;
      if (collecting.length === 0) return;
      ready.push(collecting);
      collecting = [];
      startLoads();
    };
    const messages = await consumer.consume({
      max_messages: Math.min(this.options.maxEvents, PULL_MAX_MESSAGES),
      expires: PULL_EXPIRES_MS,
      callback: (message) => {
        if (!this.running) return message.nak();
        collecting.push(message);
        if (collecting.length >= this.options.maxEvents) close();
        else if (closeTimer === undefined) closeTimer = setTimeout(close, this.options.maxWaitMs).unref();
      },
    });
    // The gauge follows the consumer while nothing arrives too (laggingConsumers reads it).
    const pendingTimer = setInterval(() => void this.observePending(consumer), PENDING_EVERY_MS).unref();
    const stopped = new Promise<void>((resolve) => {
      this.wake = resolve;
      if (!this.running) resolve(); // stop() came while the consume was being set up
    });
    try {
      const ended = await Promise.race([stopped.then(() => null), messages.closed()]);
      if (this.running) throw ended ?? new Error('consume ended');
    } finally {
      clearInterval(pendingTimer);
      clearTimeout(closeTimer);
      await messages.close().catch(() => undefined);
      // Not handed over: back to the stream at once rather than after the ack wait.
      for (const batch of [...ready.splice(0), collecting]) for (const message of batch) message.nak();
      collecting = [];
      await Promise.all(loading);
    }
  }

  private async observePending(consumer: Consumer): Promise<void> {
    const now = Date.now();
    if (now - this.pendingAt < PENDING_EVERY_MS) return;
    this.pendingAt = now;
    try {
      const info = await consumer.info(false);
      this.pending = info.num_pending + info.num_ack_pending;
      this.options.onPending?.(this.pending);
    } catch (error) {
      // Asked again within a second; a consumer gone is the consume's to report.
      this.logger.debug({ err: error }, 'pending count not read');
    }
  }

  private async deliver(messages: JsMsg[]): Promise<void> {
    const events: DomainEventEnvelope[] = [];
    const accepted: JsMsg[] = [];
    // Reading a message's headers parses them; only a recording tracer has links to make of them (ADR 0008).
    const traces: (TraceCarrier | null)[] | null = tracePropagationActive() ? [] : null;
    for (const message of messages) {
      try {
        events.push(JSON.parse(this.decoder.decode(message.data)) as DomainEventEnvelope);
        accepted.push(message);
        traces?.push(traceCarrierOfHeaders(message.headers));
      } catch {
        this.logger.error({ subject: message.subject, seq: message.seq }, 'not an event; dropping it');
        message.term();
      }
    }
    try {
      // One span for the batch, linking each event's publish (ADR 0008).
      await inBatchSpan(
        `${this.options.durableName} process`,
        traces ?? [],
        {
          kind: SpanKind.CONSUMER,
          attributes: { 'messaging.system': 'nats', 'messaging.consumer.group.name': this.options.durableName },
        },
        () => this.options.handle(events),
      );
    } catch (error) {
      this.logger.warn({ err: error, events: events.length }, 'batch not loaded; it will be delivered again');
      for (const message of accepted) message.nak(RETRY_DELAY_MS);
      return;
    }
    for (const message of accepted) message.ack();
  }

  private async ensureConsumer(): Promise<void> {
    await ensureDurableConsumer(this.connection, this.streamName(), {
      durable_name: this.options.durableName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: subjectFor(this.options.subjectPrefix, this.options.stream, this.options.eventType),
      max_deliver: -1,
      max_ack_pending: Math.max(1000, this.options.maxEvents * 4),
      ack_wait: nanos(this.options.ackWaitSeconds * 1000),
    });
  }

  private streamName(): string {
    return streamNameFor(this.options.subjectPrefix, this.options.stream);
  }
}
