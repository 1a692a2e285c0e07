import { eventually } from '@casino/platform/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

const ROOT = join(__dirname, '..', '..', '..');

interface LokiPush {
  streams: { stream: Record<string, string>; values: [string, string][] }[];
}
interface ShippedLine {
  labels: Record<string, string>;
  time: string;
  line: Record<string, unknown>;
}

/**
 * Stands in for Loki's push API (`POST /loki/api/v1/push`, JSON) and for an OTLP collector (any other path, ignored).
 * `hang` makes it accept pushes and never answer, as a stuck Loki would.
 */
class LokiRecorder {
  public readonly lines: ShippedLine[] = [];
  public readonly rawBodies: string[] = [];
  public hang = false;
  private readonly server: Server;

  public constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.url !== '/loki/api/v1/push') {
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          return;
        }
        if (this.hang) return;
        expect(request.method).toBe('POST');
        expect(request.headers['content-type']).toBe('application/json');
        const body = Buffer.concat(chunks).toString('utf8');
        this.rawBodies.push(body);
        for (const stream of (JSON.parse(body) as LokiPush).streams) {
          for (const [time, line] of stream.values) {
            this.lines.push({ labels: stream.stream, time, line: JSON.parse(line) as Record<string, unknown> });
          }
        }
        response.writeHead(204).end();
      });
    });
  }

  public async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const SECRETS = {
  bearer: 'loki-bearer-secret-7f3a',
  cookie: 'loki-cookie-secret-2b9c',
  apiKey: 'loki-api-key-secret-5d1e',
  queryToken: 'loki-query-token-8e4f',
  queryCode: '918273',
  password: 'loki-password-secret-6a0b',
  code: '564738',
};

describe('log shipping to Loki (compiled nest-app, a recorder of the push API)', () => {
  let environment: TestEnvironment;
  const recorder = new LokiRecorder();
  let recorderStopped = false;
  let app: ChildProcess | undefined;
  let gateway: ChildProcess | undefined;
  let recorderPort = 0;
  let apiPort = 0;
  const api = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${apiPort}${path}`, init);

  beforeAll(async () => {
    environment = await createTestEnvironment('loki');
    recorderPort = await recorder.start();
    apiPort = 20_000 + Math.floor(Math.random() * 20_000);
    app = spawn(process.execPath, [join(ROOT, 'backend/nest-app/dist/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'],
        ...environment.overrides,
        API_PORT: String(apiPort),
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        LOKI_URL: `http://127.0.0.1:${recorderPort}`,
        LOKI_LABELS: 'team=casino,region=eu-test',
        LOKI_BATCH_INTERVAL_SECONDS: '1',
        LOKI_TIMEOUT_MS: '500',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${recorderPort}/v1/traces`,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
      stdio: 'ignore',
    });
    const ready = async (): Promise<boolean> =>
      api('/health/ready').then(
        (response) => response.status === 200,
        () => false,
      );
    // A fresh database migrates at start: on a loaded 2-core machine that alone can take half a minute.
    await eventually(ready, 120_000, 200);
  }, 150_000);

  afterAll(async () => {
    app?.kill('SIGKILL');
    gateway?.kill('SIGKILL');
    if (!recorderStopped) await recorder.stop();
    await environment.dispose();
  });

  it('ships request lines with low-cardinality labels, the request id and the trace ids, and no secret', async () => {
    const headers = {
      authorization: `Bearer ${SECRETS.bearer}`,
      cookie: `sid=${SECRETS.cookie}`,
      'x-api-key': SECRETS.apiKey,
      'content-type': 'application/json',
    };
    await api(`/api/v1/not-a-route?token=${SECRETS.queryToken}&code=${SECRETS.queryCode}&page=2`, {
      headers: { ...headers, 'x-request-id': 'loki-e2e-query' },
    });
    await api('/api/v1/auth/email/verify', {
      method: 'POST',
      headers: { ...headers, 'x-request-id': 'loki-e2e-code' },
      body: JSON.stringify({ email: 'loki@example.test', code: SECRETS.code, password: SECRETS.password }),
    });
    await api('/api/v1/wallet/balances', { headers: { ...headers, 'x-request-id': 'loki-e2e-bearer' } });

    const lineOf = (requestId: string) => recorder.lines.find((shipped) => shipped.line['requestId'] === requestId);
    await eventually(
      async () => ['loki-e2e-query', 'loki-e2e-code', 'loki-e2e-bearer'].every((id) => lineOf(id) !== undefined),
      20_000,
      200,
    );

    for (const requestId of ['loki-e2e-query', 'loki-e2e-code', 'loki-e2e-bearer']) {
      const shipped = lineOf(requestId)!;
      expect(shipped.labels).toEqual({
        app: 'nest-app',
        env: 'test',
        level: 'info',
        team: 'casino',
        region: 'eu-test',
      });
      expect(shipped.time).toMatch(/^\d{19}$/);
      expect(shipped.line).toMatchObject({ service: 'nest-app', msg: 'request completed', requestId });
      expect(shipped.line['traceId']).toMatch(/^[0-9a-f]{32}$/);
      expect(shipped.line['spanId']).toMatch(/^[0-9a-f]{16}$/);
    }
    const query = lineOf('loki-e2e-query')!.line['req'] as { url: string; headers: Record<string, string> };
    expect(query.url).toBe('/api/v1/not-a-route?token=%5BREDACTED%5D&code=%5BREDACTED%5D&page=2');
    expect(query.headers['authorization']).toBe('[REDACTED]');

    // No label carries anything per request, player or trace.
    const labelNames = new Set(recorder.lines.flatMap((shipped) => Object.keys(shipped.labels)));
    expect([...labelNames].sort()).toEqual(['app', 'env', 'level', 'region', 'team']);
    const everything = recorder.rawBodies.join('\n');
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
  }, 60_000);

  it("ships the gateway's request lines through the same module, with its own app label", async () => {
    const gatewayPort = 20_000 + Math.floor(Math.random() * 20_000);
    gateway = spawn(process.execPath, [join(ROOT, 'backend/gateway/dist/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'],
        ...environment.overrides,
        GATEWAY_PORT: String(gatewayPort),
        GATEWAY_UPSTREAMS: `http://127.0.0.1:${apiPort}`,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        LOKI_URL: `http://127.0.0.1:${recorderPort}`,
        LOKI_BATCH_INTERVAL_SECONDS: '1',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${recorderPort}/v1/traces`,
      },
      stdio: 'ignore',
    });
    const gatewayUp = async (): Promise<boolean> =>
      fetch(`http://127.0.0.1:${gatewayPort}/health/live`).then(
        (response) => response.status === 200,
        () => false,
      );
    await eventually(gatewayUp, 60_000, 200);
    await fetch(`http://127.0.0.1:${gatewayPort}/api/v1/not-a-route?token=${SECRETS.queryToken}`, {
      headers: { authorization: `Bearer ${SECRETS.bearer}`, 'x-request-id': 'loki-e2e-gateway' },
    });
    const fromGateway = () =>
      recorder.lines.find(
        (shipped) => shipped.labels['app'] === 'gateway' && shipped.line['requestId'] === 'loki-e2e-gateway',
      );
    await eventually(async () => fromGateway() !== undefined, 20_000, 200);
    const shipped = fromGateway()!;
    expect(shipped.labels).toEqual({ app: 'gateway', env: 'test', level: 'info' });
    expect(shipped.line).toMatchObject({ service: 'gateway', msg: 'request completed' });
    expect(shipped.line['traceId']).toMatch(/^[0-9a-f]{32}$/);
    const everything = recorder.rawBodies.join('\n');
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
  }, 90_000);

  it('keeps serving, without waiting, while Loki hangs and after it is gone', async () => {
    const shippedBefore = recorder.lines.length;
    recorder.hang = true;
    const timedRequest = async (): Promise<number> => {
      const started = Date.now();
      const response = await api('/health/live');
      expect(response.status).toBe(200);
      await api('/api/v1/not-a-route');
      return Date.now() - started;
    };
    // Over several batch intervals, each push waits for its timeout while requests go on.
    for (let round = 0; round < 6; round += 1) {
      expect(await timedRequest()).toBeLessThan(2_000);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    await recorder.stop();
    recorderStopped = true;
    for (let round = 0; round < 6; round += 1) {
      expect(await timedRequest()).toBeLessThan(2_000);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect(recorder.lines.length).toBe(shippedBefore);
    expect(app?.exitCode).toBeNull();
    expect((await api('/health/ready')).status).toBe(200);
  }, 60_000);
});
