export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const NATS_OPTIONS = Symbol('NATS_OPTIONS');

export interface NatsOptions {
  servers: string;
  /** Prefix of every subject and stream, so that environments and test suites never collide. */
  subjectPrefix: string;
  clientName: string;
  /** How long JetStream remembers a message id to drop duplicates. */
  duplicateWindowSeconds: number;
}
