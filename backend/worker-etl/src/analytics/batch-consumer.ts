import { streamNameFor, subjectFor, type DomainEventEnvelope, type EventStreamKey } from '@casino/contracts';
import { ensureDurableConsumer, inBatchSpan, SpanKind, traceCarrierOfHeaders } from '@casino/platform';
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
/** Batches handed to `handle` at once; with the fetch of the next one, at most three batches are unacknowledged. */
const LOADS_IN_FLIGHT = 2;
/** The consumer's pending count is asked for at most this often (a JetStream API request each). */
const PENDING_EVERY_MS = 1000;

/**
 * A durable JetStream pull consumer that hands over events in batches and acknowledges a batch only after its
 * handler resolved: a batch that failed (ClickHouse down, the load lock not won) is nak'ed whole and comes back.
 * Several instances with the same durable name share the stream's messages.
 */
export class BatchConsumer {
  private readonly logger: Logger;
  private readonly decoder = new TextDecoder();
  private running = false;
  private loop?: Promise<void>;
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
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.ensureConsumer();
        const consumer = await this.connection.jetstream().consumers.get(this.streamName(), this.options.durableName);
        const collect = async (): Promise<JsMsg[]> => {
          const messages: JsMsg[] = [];
          const batch = await consumer.fetch({ max_messages: this.options.maxEvents, expires: this.options.maxWaitMs });
          for await (const message of batch) messages.push(message);
          return messages;
        };
        let next = collect();
        const loading = new Set<Promise<void>>();
        try {
          while (this.running) {
            const messages = await next;
            // The next batch is fetched while earlier ones load, and up to LOADS_IN_FLIGHT batches load at once:
            // one decodes and builds its rows while another's INSERT runs (the load lock still lets one batch at a
            // time look up and insert per table, ADR 0015). Each row is keyed, so the order batches load and are
            // acknowledged in changes nothing; a batch fetched when the loop stops is nak'ed (delivered again at
            // once), or after the ack wait when the worker died with it.
            next = collect();
            if (messages.length > 0) {
              const load = this.deliver(messages).finally(() => loading.delete(load));
              loading.add(load);
            }
            if (loading.size >= LOADS_IN_FLIGHT) await Promise.race(loading);
            await this.observePending(consumer);
          }
        } finally {
          // The batch fetched ahead goes back at once (not after the ack wait) when the loop is interrupted.
          void next.then(
            (messages) => messages.forEach((message) => message.nak()),
            () => undefined,
          );
          await Promise.all(loading);
        }
      } catch (error) {
        if (!this.running || this.connection.isClosed()) return;
        this.logger.warn({ err: error }, 'consumer interrupted; starting again');
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  private async observePending(consumer: Consumer): Promise<void> {
    const now = Date.now();
    if (now - this.pendingAt < PENDING_EVERY_MS) return;
    this.pendingAt = now;
    const info = await consumer.info(false);
    this.pending = info.num_pending + info.num_ack_pending;
    this.options.onPending?.(this.pending);
  }

  private async deliver(messages: JsMsg[]): Promise<void> {
    const events: DomainEventEnvelope[] = [];
    const accepted: JsMsg[] = [];
    const traces: (TraceCarrier | null)[] = [];
    for (const message of messages) {
      try {
        events.push(JSON.parse(this.decoder.decode(message.data)) as DomainEventEnvelope);
        accepted.push(message);
        traces.push(traceCarrierOfHeaders(message.headers));
      } catch {
        this.logger.error({ subject: message.subject, seq: message.seq }, 'not an event; dropping it');
        message.term();
      }
    }
    try {
      // One span for the batch, linking each event's publish (ADR 0008).
      await inBatchSpan(
        `${this.options.durableName} process`,
        traces,
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
