export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const NATS_OPTIONS = Symbol('NATS_OPTIONS');

export interface NatsOptions {
  servers: string;
  /** Prefix of every subject and stream, so that environments and test suites never collide. */
  subjectPrefix: string;
  clientName: string;
  /** How long JetStream remembers a message id to drop duplicates. */
  duplicateWindowSeconds: number;
  /** Copies of each stream (NATS_STREAM_REPLICAS); more than 1 needs a JetStream cluster of at least that size. */
  streamReplicas: number;
}
