import { streamNameFor, subjectFor, type DomainEventEnvelope, type EventStreamKey } from '@casino/contracts';
import { Logger } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  nanos,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import { inChildSpan, SpanKind, traceCarrierOfHeaders } from '../tracing/trace-context';

export interface DurableConsumerOptions<TEvent extends DomainEventEnvelope> {
  /** The stream and the event type to consume (`user` + `user.registered`); `>` takes every type. */
  stream: EventStreamKey;
  eventType: string;
  subjectPrefix: string;
  /** The durable name: the server remembers how far this consumer got, across restarts and instances. */
  durableName: string;
  /** Deliveries before JetStream gives up on a message (it stays in the stream). */
  maxDeliver?: number;
  /** A message not acknowledged within this is delivered again. */
  ackWaitSeconds?: number;
  /** Pause before a failed message is delivered again. */
  retryDelayMs?: number;
  /** Must be idempotent: delivery is at least once. A throw asks for redelivery. */
  handle(event: TEvent): Promise<void>;
}

const RECONNECT_DELAY_MS = 1000;
const STOP_WAIT_MS = 2000;

async function settleWithin(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * A durable JetStream pull consumer with explicit acknowledgement: each event is acked only
 * after its handler succeeded, nak'ed (redelivered after a delay) when it threw, and terminated
 * when it is not JSON at all. Several instances with the same durable name share the work.
 */
export class DurableConsumer<TEvent extends DomainEventEnvelope = DomainEventEnvelope> {
  private readonly logger: Logger;
  private messages?: ConsumerMessages;
  private running = false;
  private loop?: Promise<void>;
  private readonly decoder = new TextDecoder();

  public constructor(
    private readonly connection: NatsConnection,
    private readonly options: DurableConsumerOptions<TEvent>,
  ) {
    this.logger = new Logger(`DurableConsumer:${options.durableName}`);
  }

  public start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  public async stop(): Promise<void> {
    this.running = false;
    // Closing can wait for an open pull request to expire; shutdown must not hang on it.
    await settleWithin(
      this.messages?.close().catch(() => undefined),
      STOP_WAIT_MS,
    );
    await settleWithin(this.loop, STOP_WAIT_MS);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.ensureConsumer();
        const consumer = await this.connection.jetstream().consumers.get(this.streamName(), this.options.durableName);
        this.messages = await consumer.consume({ max_messages: 64 });
        if (!this.running) await this.messages.close();
        for await (const message of this.messages) await this.process(message);
      } catch (error) {
        if (!this.running || this.connection.isClosed()) return;
        this.logger.warn({ err: error }, 'consumer interrupted; starting again');
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      }
    }
  }

  private async process(message: JsMsg): Promise<void> {
    let event: TEvent;
    try {
      event = JSON.parse(this.decoder.decode(message.data)) as TEvent;
    } catch {
      this.logger.error({ subject: message.subject, seq: message.seq }, 'not an event; dropping it');
      message.term();
      return;
    }
    try {
      // One message: its span is the child of the publish that sent it.
      await inChildSpan(
        `${message.subject} process`,
        traceCarrierOfHeaders(message.headers),
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'nats',
            'messaging.consumer.group.name': this.options.durableName,
            'messaging.message.id': event.id,
          },
        },
        () => this.options.handle(event),
      );
      message.ack();
    } catch (error) {
      this.logger.warn({ err: error, eventId: event.id, redelivery: message.info.redeliveryCount }, 'handler failed');
      message.nak(this.options.retryDelayMs ?? 1000);
    }
  }

  private async ensureConsumer(): Promise<void> {
    await ensureDurableConsumer(this.connection, this.streamName(), {
      durable_name: this.options.durableName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: subjectFor(this.options.subjectPrefix, this.options.stream, this.options.eventType),
      max_deliver: this.options.maxDeliver ?? 20,
      ack_wait: nanos((this.options.ackWaitSeconds ?? 30) * 1000),
    });
  }

  private streamName(): string {
    return streamNameFor(this.options.subjectPrefix, this.options.stream);
  }
}

/**
 * Creates the durable consumer with `config`, or updates it to that config when it exists (a changed setting takes
 * effect at the next start); the server keeps its position either way.
 */
export async function ensureDurableConsumer(
  connection: NatsConnection,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  const manager = await connection.jetstreamManager();
  const exists = await manager.consumers.info(stream, config.durable_name).then(
    () => true,
    () => false,
  );
  if (exists) await manager.consumers.update(stream, config.durable_name, config);
  else await manager.consumers.add(stream, config);
}
