import type { CloseReason } from './push-messages';

export type PushTransport = 'ws' | 'sse';

/** One open live-push stream of a player's session, a WebSocket or a server-sent-events response. */
export interface PushConnection {
  readonly transport: PushTransport;
  readonly userId: string;
  readonly sessionId: string;
  /** Sends one serialised message; false when it was dropped (closed, or the client reads too slowly). */
  send(json: string): boolean;
  /** Keeps the stream alive through proxies; a WebSocket that did not answer the previous ping is dropped. */
  heartbeat(): void;
  /** Sends `stream.closed` with the reason and ends the stream. */
  close(reason: CloseReason): void;
}

export function closedMessage(reason: CloseReason): string {
  return JSON.stringify({ type: 'stream.closed', reason });
}
