import type { WebSocket } from '@fastify/websocket';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { SseConnection } from './sse-connection';
import { WebSocketConnection } from './websocket-connection';

/** The part of a `ws` socket the connection uses. */
class FakeSocket extends EventEmitter {
  public readonly OPEN = 1;
  public readyState = 1;
  public bufferedAmount = 0;
  public readonly sent: string[] = [];
  public pings = 0;
  public terminated = false;
  public closedWith?: [number, string];

  public send(data: string): void {
    this.sent.push(data);
  }

  public ping(): void {
    this.pings += 1;
  }

  public terminate(): void {
    this.terminated = true;
  }

  public close(code: number, reason: string): void {
    this.closedWith = [code, reason];
    this.readyState = 2;
  }
}

class FakeResponse {
  public writableEnded = false;
  public destroyed = false;
  public writableLength = 0;
  public readonly written: string[] = [];

  public write(chunk: string): boolean {
    this.written.push(chunk);
    return true;
  }

  public end(chunk: string): void {
    this.written.push(chunk);
    this.writableEnded = true;
  }
}

describe('WebSocketConnection', () => {
  const open = (socket: FakeSocket) => new WebSocketConnection(socket as unknown as WebSocket, 'u1', 's1', 100);

  it('pings on each heartbeat and drops a socket that did not answer the previous ping', () => {
    const socket = new FakeSocket();
    const connection = open(socket);
    connection.heartbeat();
    socket.emit('pong');
    connection.heartbeat();
    expect([socket.pings, socket.terminated]).toEqual([2, false]);
    connection.heartbeat();
    expect([socket.pings, socket.terminated]).toEqual([2, true]);
  });

  it('drops a message while more than the limit waits to be sent', () => {
    const socket = new FakeSocket();
    const connection = open(socket);
    expect(connection.send('{"a":1}')).toBe(true);
    socket.bufferedAmount = 101;
    expect(connection.send('{"a":2}')).toBe(false);
    expect(socket.sent).toEqual(['{"a":1}']);
  });

  it('closes with the reason as its last message and an application close code', () => {
    const socket = new FakeSocket();
    open(socket).close('session_revoked');
    expect(socket.sent).toEqual(['{"type":"stream.closed","reason":"session_revoked"}']);
    expect(socket.closedWith).toEqual([4403, 'session_revoked']);
  });
});

describe('SseConnection', () => {
  const open = (response: FakeResponse) => new SseConnection(response as unknown as ServerResponse, 'u1', 's1', 100);

  it('writes each message as one data event, heartbeats as comments, and ends with stream.closed', () => {
    const response = new FakeResponse();
    const connection = open(response);
    connection.send('{"a":1}');
    connection.heartbeat();
    connection.close('token_expired');
    expect(response.written).toEqual([
      'data: {"a":1}\n\n',
      ': ping\n\n',
      'data: {"type":"stream.closed","reason":"token_expired"}\n\n',
    ]);
    expect(connection.send('{"a":2}')).toBe(false);
  });

  it('drops a message while more than the limit waits to be sent', () => {
    const response = new FakeResponse();
    response.writableLength = 101;
    expect(open(response).send('{"a":1}')).toBe(false);
    expect(response.written).toEqual([]);
  });
});
