import { eventually } from '@casino/platform/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';

const ROOT = join(__dirname, '..', '..', '..');

/** Stands in for an OpenTelemetry collector: accepts OTLP/HTTP JSON exports and keeps the span names. */
function startCollector(spanNames: string[]): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
      };
      for (const resource of body.resourceSpans) {
        for (const scope of resource.scopeSpans) spanNames.push(...scope.spans.map((span) => span.name));
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('tracing (compiled nest-app exporting over OTLP)', () => {
  let environment: TestEnvironment;
  let collector: Server;
  let app: ChildProcess | undefined;
  const spanNames: string[] = [];

  beforeAll(async () => {
    environment = await createTestEnvironment('tracing');
    collector = await startCollector(spanNames);
  });

  afterAll(async () => {
    app?.kill('SIGKILL');
    await new Promise((resolve) => collector.close(resolve));
    await environment.dispose();
  });

  it('exports spans of incoming HTTP requests and PostgreSQL queries when an endpoint is configured', async () => {
    const collectorPort = (collector.address() as AddressInfo).port;
    const apiPort = 20_000 + Math.floor(Math.random() * 20_000);
    app = spawn(process.execPath, [join(ROOT, 'backend/nest-app/dist/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'],
        ...environment.overrides,
        API_PORT: String(apiPort),
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${collectorPort}/v1/traces`,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
      stdio: 'ignore',
    });
    const ready = async (): Promise<boolean> =>
      fetch(`http://127.0.0.1:${apiPort}/health/ready`).then(
        (response) => response.status === 200,
        () => false,
      );
    // A fresh database migrates at start: on a loaded 2-core machine that alone can take half a minute.
    await eventually(ready, 120_000, 200);
    // Probes are not traced (they would drown real traffic); an API request is.
    await fetch(`http://127.0.0.1:${apiPort}/api/v1/not-a-route`);

    await eventually(async () => {
      const names = spanNames.join('\n');
      return /^GET$/m.test(names) && /^pg\.query/m.test(names);
    }, 15_000);
  }, 150_000);
});
