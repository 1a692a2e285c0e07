import type { ServerResponse } from 'node:http';
import { closedMessage, type PushConnection } from './push-connection';
import type { CloseReason } from './push-messages';

/** A `text/event-stream` response: each message one `data:` event carrying the same JSON as on the WebSocket. */
export class SseConnection implements PushConnection {
  public readonly transport = 'sse';

  public constructor(
    private readonly response: ServerResponse,
    public readonly userId: string,
    public readonly sessionId: string,
    private readonly maxBufferedBytes: number,
  ) {}

  public send(json: string): boolean {
    if (!this.open() || this.response.writableLength > this.maxBufferedBytes) return false;
    this.response.write(`data: ${json}\n\n`);
    return true;
  }

  public heartbeat(): void {
    if (this.open()) this.response.write(': ping\n\n');
  }

  public close(reason: CloseReason): void {
    if (!this.open()) return;
    this.response.end(`data: ${closedMessage(reason)}\n\n`);
  }

  private open(): boolean {
    return !this.response.writableEnded && !this.response.destroyed;
  }
}
