import { request as httpRequest, type IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';

export type Received = Record<string, unknown> & { type: string };

/** What a client saw of one stream: the messages in order and how it ended. */
abstract class PushClient {
  public readonly messages: Received[] = [];
  public closed?: { code?: number; at: number };
  private waiters: (() => void)[] = [];

  protected receive(message: Received): void {
    this.messages.push(message);
    this.notify();
  }

  protected ended(code?: number): void {
    this.closed = { code, at: Date.now() };
    this.notify();
  }

  /** Waits for the first message (from the start) that `match` accepts. */
  public async next(match: (message: Received) => boolean, timeoutMs = 5000): Promise<Received> {
    await this.until(() => this.messages.some(match), timeoutMs, 'message');
    return this.messages.find(match) as Received;
  }

  public async untilClosed(timeoutMs = 5000): Promise<{ code?: number; at: number }> {
    await this.until(() => this.closed !== undefined, timeoutMs, 'close');
    return this.closed as { code?: number; at: number };
  }

  public ofType(type: string): Received[] {
    return this.messages.filter((message) => message.type === type);
  }

  private async until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline)
        throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** A WebSocket to `/ws` offering the token as a subprotocol, the way a browser does. */
export class PushSocket extends PushClient {
  private constructor(public readonly socket: WebSocket) {
    super();
    socket.on('message', (data: Buffer) => this.receive(JSON.parse(data.toString()) as Received));
    socket.on('close', (code: number) => this.ended(code));
  }

  /** Resolves once the stream is ready, or rejects with the HTTP status of a refused upgrade. */
  public static async open(gatewayUrl: string, token: string | undefined): Promise<PushSocket> {
    const protocols = ['casino.push.v1', ...(token === undefined ? [] : [`bearer.${token}`])];
    const socket = new WebSocket(`${gatewayUrl.replace('http', 'ws')}/ws`, protocols);
    const client = new PushSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('unexpected-response', (_request, response: IncomingMessage) => {
        reject(new RefusedUpgrade(response.statusCode ?? 0));
        socket.terminate();
      });
      socket.once('error', reject);
      socket.once('open', () => resolve());
    });
    await client.next((message) => message.type === 'stream.ready');
    return client;
  }

  public close(): void {
    this.socket.terminate();
  }
}

export class RefusedUpgrade extends Error {
  public constructor(public readonly status: number) {
    super(`upgrade refused with ${status}`);
  }
}

/** A server-sent-events stream of `/api/v1/stream` with an Authorization header. */
export class PushEventStream extends PushClient {
  private buffer = '';

  private constructor(private readonly response: IncomingMessage) {
    super();
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.parse(chunk));
    response.on('end', () => this.ended());
    response.on('close', () => this.ended());
  }

  public static async open(gatewayUrl: string, token: string): Promise<PushEventStream> {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = httpRequest(`${gatewayUrl}/api/v1/stream`, {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      });
      outgoing.on('response', resolve);
      outgoing.on('error', reject);
      outgoing.end();
    });
    if (response.statusCode !== 200 || !String(response.headers['content-type']).startsWith('text/event-stream')) {
      response.resume();
      throw new RefusedUpgrade(response.statusCode ?? 0);
    }
    const stream = new PushEventStream(response);
    await stream.next((message) => message.type === 'stream.ready');
    return stream;
  }

  public close(): void {
    this.response.destroy();
  }

  private parse(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const event = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n');
      if (data !== '') this.receive(JSON.parse(data) as Received);
    }
  }
}
