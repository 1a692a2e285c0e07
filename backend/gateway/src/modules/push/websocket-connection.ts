import type { WebSocket } from '@fastify/websocket';
import { closedMessage, type PushConnection } from './push-connection';
import type { CloseReason } from './push-messages';

/** Application close codes (4000-4999): the client tells a stale token from a revoked session without parsing. */
export const CLOSE_CODES: Record<CloseReason, number> = {
  token_expired: 4401,
  session_revoked: 4403,
  shutdown: 1001,
};

export class WebSocketConnection implements PushConnection {
  public readonly transport = 'ws';
  private answeredPing = true;

  public constructor(
    private readonly socket: WebSocket,
    public readonly userId: string,
    public readonly sessionId: string,
    private readonly maxBufferedBytes: number,
  ) {
    socket.on('pong', () => {
      this.answeredPing = true;
    });
  }

  public send(json: string): boolean {
    if (this.socket.readyState !== this.socket.OPEN || this.socket.bufferedAmount > this.maxBufferedBytes) return false;
    this.socket.send(json);
    return true;
  }

  public heartbeat(): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (!this.answeredPing) {
      this.socket.terminate();
      return;
    }
    this.answeredPing = false;
    this.socket.ping();
  }

  public close(reason: CloseReason): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(closedMessage(reason));
    this.socket.close(CLOSE_CODES[reason], reason);
  }
}
