import Fastify, { type FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What an upstream saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** The client IP as nest-app would take it, trusting the gateway's address only (API_TRUSTED_PROXIES=127.0.0.1). */
  clientIp: string;
  bodySha256: string;
  bodyLength: number;
}

/**
 * A stand-in nest-app instance: answers who it is and what it saw, reads bodies as raw bytes, has a readiness route
 * the test can turn off, a route that never answers (for requests in flight) and one that answers late.
 */
export class UpstreamServer {
  public readonly seen: SeenRequest[] = [];
  public ready = true;
  private app?: FastifyInstance;
  private port = 0;

  private constructor(public readonly name: string) {}

  public static async start(name: string): Promise<UpstreamServer> {
    const server = new UpstreamServer(name);
    await server.listen();
    return server;
  }

  public get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  public seenAt(path: string): SeenRequest[] {
    return this.seen.filter((request) => request.url.startsWith(path));
  }

  /** Listens (again, on the same port after a `kill`). */
  public async listen(): Promise<void> {
    const app = Fastify({ trustProxy: ['127.0.0.1'], forceCloseConnections: true });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.url === '/api/v1/hang') {
        this.seen.push({
          method: request.method,
          url: request.url,
          headers: request.headers,
          clientIp: request.ip,
          bodySha256: '',
          bodyLength: 0,
        });
      }
      done();
    });
    app.get('/health/ready', (_request, reply) => reply.status(this.ready ? 200 : 503).send({ ready: this.ready }));
    app.all('/api/v1/hang', () => new Promise(() => undefined));
    app.get('/api/v1/late', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { late: true };
    });
    app.all('/*', (request) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      this.seen.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        clientIp: request.ip,
        bodySha256: createHash('sha256').update(body).digest('hex'),
        bodyLength: body.length,
      });
      return { instance: this.name, url: request.url };
    });
    await app.listen({ host: '127.0.0.1', port: this.port });
    const address = app.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.app = app;
  }

  /** Stops at once, dropping open connections (requests in flight fail at the connection level). */
  public async kill(): Promise<void> {
    await this.app?.close();
    this.app = undefined;
  }
}
