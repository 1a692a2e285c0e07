import { QUEUES, SMS_JOBS, type SendSmsJobV1 } from '@casino/contracts';
import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { Logger } from 'nestjs-pino';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, readEnvironment } from '../src/config/load-config';
import { PlatformSettings } from '../src/config/platform-settings';
import { createLoggerModule } from '../src/logging/logger.module';
import { SmsDeliveryModule, type SmsDeliveryOptions } from '../src/sms/sms-delivery.module';
import { maskPhone } from '../src/sms/sms-sender';
import { eventually, uniqueTestId } from '../src/testing/test-resources';
import { LogCapture } from './support/log-capture';

const CODE = '481516';
const TOKEN = 'sms-gateway-secret-token';
const URL_PASSWORD = 'url-secret-password';
const TO = '+4915112345999';

/** A gateway that refuses every text with 503, echoing the request (headers and body) in its answer. */
async function startEchoingGateway(): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const echo = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

@Module({})
class SmsDeliveryLogsTestModule {}

/** The `sms` queue's delivery as worker-etl mounts it, with the platform's logger writing to `capture`. */
function deliveryModule(settings: PlatformSettings, sms: SmsDeliveryOptions, capture: LogCapture): DynamicModule {
  return {
    module: SmsDeliveryLogsTestModule,
    imports: [
      createLoggerModule({ serviceName: 'sms-delivery-logs-test', level: 'debug', destination: capture }),
      BullModule.forRoot({
        connection: { url: settings.REDIS_URL, maxRetriesPerRequest: null },
        prefix: settings.QUEUE_PREFIX,
      }),
      SmsDeliveryModule.forRoot(sms),
    ],
  };
}

describe('SMS delivery failures in the worker logs (integration, real Redis and BullMQ)', () => {
  // nestjs-pino keeps the first app's logger for the process, so every case writes here; each reads its own part.
  const capture = new LogCapture();
  let gateway: { server: Server; port: number };

  beforeAll(async () => {
    gateway = await startEchoingGateway();
  });

  afterAll(async () => {
    await new Promise((resolve) => gateway.server.close(resolve));
  });

  const cases: [string, () => SmsDeliveryOptions][] = [
    [
      'a token fetch refuses as a header (a line break inside it)',
      () => ({
        sender: 'http',
        gatewayUrl: `http://127.0.0.1:${gateway.port}/v1`,
        gatewayToken: `${TOKEN}\nsecond-line`,
      }),
    ],
    [
      'a gateway URL with credentials',
      () => ({
        sender: 'http',
        gatewayUrl: `http://sms-user:${URL_PASSWORD}@127.0.0.1:${gateway.port}/v1`,
        gatewayToken: TOKEN,
      }),
    ],
    [
      'a gateway that refuses and echoes the request',
      () => ({ sender: 'http', gatewayUrl: `http://127.0.0.1:${gateway.port}/v1`, gatewayToken: TOKEN }),
    ],
  ];

  it.each(cases)('logs "SMS not sent" without the code, the token or the number: %s', async (_case, sms) => {
    const id = uniqueTestId('smsdeliverylogs');
    const settings = loadConfig(PlatformSettings, { ...readEnvironment(), QUEUE_PREFIX: `${id}-bull` });
    const logsBefore = capture.text().length;
    const app: INestApplicationContext = await NestFactory.createApplicationContext(
      deliveryModule(settings, sms(), capture),
      { bufferLogs: true },
    );
    app.useLogger(app.get(Logger));
    const queue = new Queue<SendSmsJobV1>(QUEUES.SMS, {
      connection: { url: settings.REDIS_URL, maxRetriesPerRequest: null },
      prefix: settings.QUEUE_PREFIX,
    });
    try {
      const job = await queue.add(
        SMS_JOBS.SEND_SMS,
        { to: TO, text: `Your code is ${CODE}`, template: 'phone-change-code' },
        { attempts: 1 },
      );
      await eventually(async () => (await queue.getJobState(job.id ?? '')) === 'failed');
      await eventually(async () => capture.text().slice(logsBefore).includes('SMS not sent'));

      const logs = capture.text().slice(logsBefore);
      expect(logs).toContain(maskPhone(TO));
      expect(logs).toContain('phone-change-code');
      for (const secret of [CODE, TOKEN, URL_PASSWORD, TO]) {
        expect(logs).not.toContain(secret);
      }
      const failed = await queue.getJob(job.id ?? '');
      const stored = JSON.stringify([failed?.failedReason, failed?.stacktrace]);
      for (const secret of [CODE, TOKEN, URL_PASSWORD]) {
        expect(stored).not.toContain(secret);
      }
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await app.close();
    }
  });
});
