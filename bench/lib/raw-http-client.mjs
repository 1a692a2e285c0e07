/* global Buffer */
import { connect } from 'node:net';

/**
 * The load generator's HTTP/1.1 client: one keep-alive socket per client, requests written as bytes built before
 * the timed phase, answers read by their Content-Length. Node's http client spends ~0.1 ms of CPU per call on
 * request and response objects, and the load generator shares this 2-core machine with what it measures.
 * One call at a time per client (a closed loop), so an answer is never pipelined behind another.
 */

const HEADER_END = Buffer.from('\r\n\r\n');

/** The bytes of one POST: request line, headers and body. */
export function requestBytes(port, path, headers, body) {
  const lines = [
    `POST ${path} HTTP/1.1`,
    `host: 127.0.0.1:${port}`,
    'connection: keep-alive',
    `content-length: ${body.length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), body]);
}

export class RawHttpClient {
  constructor(port) {
    this.port = port;
    this.pending = null;
    this.received = Buffer.alloc(0);
    this.socket = null;
  }

  async open() {
    this.socket = connect(this.port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the API closed the connection')));
    await new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
  }

  /** Sends one request's bytes; resolves with the status code and the body's text. */
  send(bytes) {
    if (this.pending) throw new Error('one call at a time per client');
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  close() {
    this.socket?.removeAllListeners('close');
    this.socket?.destroy();
  }

  onData(chunk) {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    const headerEnd = this.received.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.received.subarray(0, headerEnd).toString('latin1');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!length) return this.fail(new Error(`an answer without content-length: ${head.split('\r\n')[0]}`));
    const bodyStart = headerEnd + HEADER_END.length;
    const bodyEnd = bodyStart + Number(length[1]);
    if (this.received.length < bodyEnd) return;
    const status = Number(head.slice(9, 12));
    const body = this.received.subarray(bodyStart, bodyEnd).toString('utf8');
    this.received = this.received.subarray(bodyEnd);
    const pending = this.pending;
    this.pending = null;
    pending?.resolve({ status, body });
  }

  fail(error) {
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }
}
