import { QUEUES, SMS_JOBS, type SendSmsJobV1 } from '@casino/contracts';
import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { loadConfig, readEnvironment } from '../src/config/load-config';
import { PlatformSettings } from '../src/config/platform-settings';
import { SmsDeliveryModule } from '../src/sms/sms-delivery.module';
import { freePort } from '../src/testing/free-port';
import { eventually, uniqueTestId } from '../src/testing/test-resources';
import { startCountingSmsGateway } from './support/counting-sms-gateway';

const ATTEMPTS = 4;
const CODE = '314159';
const TOKEN = 'sms-gateway-retry-token';
const SMS: SendSmsJobV1 = { to: '+4915112345777', text: `Your code is ${CODE}`, template: 'phone-change-code' };

@Module({})
class SmsDeliveryRetriesTestModule {}

function deliveryModule(settings: PlatformSettings, gatewayUrl: string): DynamicModule {
  return {
    module: SmsDeliveryRetriesTestModule,
    imports: [
      BullModule.forRoot({
        connection: { url: settings.REDIS_URL, maxRetriesPerRequest: null },
        prefix: settings.QUEUE_PREFIX,
      }),
      SmsDeliveryModule.forRoot({ sender: 'http', gatewayUrl, gatewayToken: TOKEN }),
    ],
  };
}

/** Queues one text with `ATTEMPTS` attempts and a short back-off; answers how many attempts it got before it failed. */
async function attemptsUntilFailed(gatewayUrl: string): Promise<{ attemptsMade: number; failedReason: string }> {
  const id = uniqueTestId('smsretries');
  const settings = loadConfig(PlatformSettings, { ...readEnvironment(), QUEUE_PREFIX: `${id}-bull` });
  const app: INestApplicationContext = await NestFactory.createApplicationContext(
    deliveryModule(settings, gatewayUrl),
    { logger: false },
  );
  const queue = new Queue<SendSmsJobV1>(QUEUES.SMS, {
    connection: { url: settings.REDIS_URL, maxRetriesPerRequest: null },
    prefix: settings.QUEUE_PREFIX,
  });
  try {
    const job = await queue.add(SMS_JOBS.SEND_SMS, SMS, { attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 20 } });
    await eventually(async () => (await queue.getJobState(job.id ?? '')) === 'failed', 15_000);
    const failed = await queue.getJob(job.id ?? '');
    return { attemptsMade: failed?.attemptsMade ?? -1, failedReason: failed?.failedReason ?? '' };
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await app.close();
  }
}

describe('SMS delivery retries (integration, real Redis, BullMQ and a local HTTP gateway)', () => {
  it.each([
    ['an invalid number', 400],
    ['a bad token', 401],
    ['a text it cannot process', 422],
  ])('fails the job at its first attempt when the gateway refuses %s (%i)', async (_case, status) => {
    const gateway = await startCountingSmsGateway(status);
    try {
      const outcome = await attemptsUntilFailed(`${gateway.url}/v1`);
      expect(outcome.attemptsMade).toBe(1);
      expect(outcome.failedReason).toBe(`SMS gateway answered ${status}`);
      expect(gateway.requests()).toBe(1);
    } finally {
      await gateway.close();
    }
  });

  it('fails the job at its first attempt when the gateway redirects', async () => {
    const gateway = await startCountingSmsGateway(308);
    try {
      const outcome = await attemptsUntilFailed(`${gateway.url}/v1`);
      expect(outcome.attemptsMade).toBe(1);
      expect(outcome.failedReason).toBe('SMS gateway answered 308, not followed');
      expect(gateway.requests()).toBe(1);
    } finally {
      await gateway.close();
    }
  });

  it.each([
    ['is unavailable', 503],
    ['limits the rate', 429],
  ])('retries a text while the gateway %s (%i), up to the job attempts', async (_case, status) => {
    const gateway = await startCountingSmsGateway(status);
    try {
      const outcome = await attemptsUntilFailed(`${gateway.url}/v1`);
      expect(outcome.attemptsMade).toBe(ATTEMPTS);
      expect(outcome.failedReason).toBe(`SMS gateway answered ${status}`);
      expect(gateway.requests()).toBe(ATTEMPTS);
    } finally {
      await gateway.close();
    }
  });

  it('retries a text whose gateway cannot be reached, up to the job attempts', async () => {
    const outcome = await attemptsUntilFailed(`http://127.0.0.1:${await freePort()}/v1`);
    expect(outcome.attemptsMade).toBe(ATTEMPTS);
    expect(outcome.failedReason).toMatch(/^SMS gateway request failed/);
  });
});
