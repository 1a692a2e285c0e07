import { QUEUES, SMS_JOBS, type SendSmsJobV1 } from '@casino/contracts';
import { createRedisClient, DevSmsInbox } from '@casino/platform';
import { disposeIsolatedResources, eventually, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue, type JobsOptions } from 'bullmq';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWorkerApp } from '../src/bootstrap';
import { loadWorkerConfig } from '../src/config/load-worker-config';
import type { WorkerConfig } from '../src/config/worker-config';

const GATEWAY_TOKEN = 'sms-gateway-test-token';

/** What nest-app's queue does with SMS jobs (they carry codes), with a short back-off for the test. */
const JOB_OPTIONS: JobsOptions = { attempts: 3, backoff: { type: 'fixed', delay: 200 }, removeOnComplete: true };

interface GatewayRequest {
  method: string;
  path: string;
  authorization?: string;
  contentType?: string;
  body: unknown;
}

/**
 * The SMS gateway's protocol: `POST {base}/messages` with `Authorization: Bearer <token>` and the JSON body
 * `{ "to", "text" }`; 202 with the message id when accepted, 401 without the token. `failNext` makes the
 * next answers 503, as a gateway that is briefly down.
 */
class SmsGatewayMock {
  public readonly requests: GatewayRequest[] = [];
  public failNext = 0;
  private readonly server: Server = createServer((request, response) => {
    void this.handle(request).then(([status, body]) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });

  public async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The texts the gateway accepted for this number. */
  public acceptedTo(to: string): GatewayRequest[] {
    return this.requests.filter((request) => (request.body as { to?: string }).to === to);
  }

  private async handle(request: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const recorded: GatewayRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as unknown,
    };
    if (recorded.method !== 'POST' || recorded.path !== '/v1/messages') return [404, { error: 'not found' }];
    if (recorded.authorization !== `Bearer ${GATEWAY_TOKEN}`) return [401, { error: 'unauthorized' }];
    if (this.failNext > 0) {
      this.failNext -= 1;
      return [503, { error: 'unavailable' }];
    }
    this.requests.push(recorded);
    return [202, { id: `msg_${this.requests.length}`, status: 'queued' }];
  }
}

async function startWorker(config: WorkerConfig): Promise<{ app: NestFastifyApplication; queue: Queue<SendSmsJobV1> }> {
  const app = await createWorkerApp(config);
  await app.init();
  const queue = new Queue<SendSmsJobV1>(QUEUES.SMS, {
    connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
    prefix: config.QUEUE_PREFIX,
  });
  return { app, queue };
}

/** Only the SMS delivery runs: no mail delivery, no ClickHouse loads. */
function smsOnlySettings(id: string, sms: Record<string, string>): WorkerConfig {
  return loadWorkerConfig({
    ...isolatedSettings(id),
    MAIL_DELIVERY_ENABLED: 'false',
    ETL_ENABLED: 'false',
    ...sms,
  });
}

describe('worker-etl SMS delivery through the HTTP SMS gateway (e2e)', () => {
  const id = uniqueTestId('workersmsgateway');
  const gateway = new SmsGatewayMock();
  let config: WorkerConfig;
  let app: NestFastifyApplication;
  let queue: Queue<SendSmsJobV1>;

  beforeAll(async () => {
    const gatewayUrl = await gateway.start();
    config = smsOnlySettings(id, {
      SMS_SENDER: 'http',
      SMS_GATEWAY_URL: gatewayUrl,
      SMS_GATEWAY_TOKEN: GATEWAY_TOKEN,
    });
    ({ app, queue } = await startWorker(config));
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await app?.close();
    await gateway.stop();
    if (config) await disposeIsolatedResources(id, config);
  });

  it('posts a queued SMS job to the gateway with the bearer token and removes the job once sent', async () => {
    const to = '+4915112345001';
    const job = await queue.add(
      SMS_JOBS.SEND_SMS,
      { to, text: 'Your code is 123456', template: 'two-factor-code' },
      JOB_OPTIONS,
    );
    await eventually(async () => gateway.acceptedTo(to).length > 0);
    expect(gateway.acceptedTo(to)).toEqual([
      {
        method: 'POST',
        path: '/v1/messages',
        authorization: `Bearer ${GATEWAY_TOKEN}`,
        contentType: 'application/json',
        body: { to, text: 'Your code is 123456' },
      },
    ]);
    await eventually(async () => (await queue.getJob(job.id ?? '')) === undefined);
  });

  it('retries while the gateway answers 503 and delivers the text once it accepts', async () => {
    const to = '+4915112345002';
    gateway.failNext = 2;
    await queue.add(
      SMS_JOBS.SEND_SMS,
      { to, text: 'Your code is 654321', template: 'phone-verification' },
      JOB_OPTIONS,
    );
    await eventually(async () => gateway.acceptedTo(to).length > 0);
    expect(gateway.failNext).toBe(0);
    expect(gateway.acceptedTo(to).map((request) => request.body)).toEqual([{ to, text: 'Your code is 654321' }]);
  });
});

describe('worker-etl SMS delivery to the development sink (e2e)', () => {
  const id = uniqueTestId('workersmssink');
  const config = smsOnlySettings(id, { SMS_SENDER: 'log' });
  let app: NestFastifyApplication;
  let queue: Queue<SendSmsJobV1>;

  beforeAll(async () => {
    ({ app, queue } = await startWorker(config));
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await app?.close();
    await disposeIsolatedResources(id, config);
  });

  it('keeps the text in the dev inbox that nest-app reads under the same Redis key prefix', async () => {
    const to = '+4915112345003';
    await queue.add(SMS_JOBS.SEND_SMS, { to, text: 'Your code is 112233', template: 'sign-in-code' }, JOB_OPTIONS);
    // A client of another process (nest-app's dev inbox controller) with the shared REDIS_KEY_PREFIX.
    const reader = createRedisClient({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }, 'test-reader');
    try {
      const inbox = new DevSmsInbox(reader);
      await eventually(async () => (await inbox.list(to)).length > 0);
      expect(await inbox.list(to)).toEqual([
        { to, text: 'Your code is 112233', template: 'sign-in-code', sentAt: expect.any(String) as string },
      ]);
    } finally {
      reader.disconnect();
    }
  });
});
