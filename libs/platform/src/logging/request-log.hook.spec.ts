import Fastify, { type FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { pinoHttp } from 'pino-http';
import { requestIdOf } from '../http/request-id';
import { httpLoggerOptions } from './logger.module';
import { REDACTION_CENSOR } from './redaction';
import { logRequestsFromFastify } from './request-log.hook';

interface LogLine {
  level: number;
  msg: string;
  requestId: string;
  responseTime: number;
  req: { id: string; method: string; url: string; headers: Record<string, string> };
  res: { statusCode: number };
}

async function appLoggingAt(level: string): Promise<{ app: FastifyInstance; lines: () => LogLine[] }> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = pinoHttp(httpLoggerOptions({ serviceName: 'test', level }), sink).logger;
  const app = Fastify({ genReqId: (raw: IncomingMessage) => requestIdOf(raw) });
  logRequestsFromFastify(app, { slowMs: 50, streamRoutes: ['/stream'], logger });
  app.get('/api/v1/ok', () => ({ ok: true }));
  app.get('/api/v1/broken', (_request, reply) => reply.status(503).send({ down: true }));
  app.get('/api/v1/slow', async () => new Promise((resolve) => setTimeout(() => resolve({ late: true }), 80)));
  app.get('/stream', async () => new Promise((resolve) => setTimeout(() => resolve('closed'), 80)));
  app.get('/health/live', () => ({ status: 'ok' }));
  await app.ready();
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);
  return { app, lines };
}

describe('request logs from a Fastify onResponse hook', () => {
  it('logs the request id, redacts the Authorization header and secret query values', async () => {
    const { app, lines } = await appLoggingAt('info');
    await app.inject({
      method: 'GET',
      url: '/api/v1/ok?token=tok-secret&page=2',
      headers: { authorization: 'Bearer eyJsecret', 'x-request-id': 'log-hook-1' },
    });
    await app.close();
    const [line, ...rest] = lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      requestId: 'log-hook-1',
      req: { id: 'log-hook-1', method: 'GET', url: '/api/v1/ok?token=%5BREDACTED%5D&page=2' },
      res: { statusCode: 200 },
    });
    expect(line?.req.headers.authorization).toBe(REDACTION_CENSOR);
    expect(JSON.stringify(lines())).not.toMatch(/eyJsecret|tok-secret/);
    expect(typeof line?.responseTime).toBe('number');
  });

  it('warns on 5xx and slow answers but not on streams, and skips probes', async () => {
    const { app, lines } = await appLoggingAt('warn');
    for (const url of ['/api/v1/ok', '/api/v1/broken', '/api/v1/slow', '/stream', '/health/live']) {
      await app.inject({ method: 'GET', url });
    }
    await app.close();
    expect(lines().map((line) => [line.level, line.msg, line.req.url, line.res.statusCode])).toEqual([
      [40, 'request errored', '/api/v1/broken', 503],
      [40, 'request completed slowly', '/api/v1/slow', 200],
    ]);
  });

  it('creates a request id when the caller sent none or a malformed one', async () => {
    const { app, lines } = await appLoggingAt('info');
    await app.inject({ method: 'GET', url: '/api/v1/ok', headers: { 'x-request-id': 'bad id with spaces' } });
    await app.close();
    const [line] = lines();
    expect(line?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(line?.req.id).toBe(line?.requestId);
  });
});
