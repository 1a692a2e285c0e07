import { MAIL_JOBS, QUEUES, type SendEmailJobV1 } from '@casino/contracts';
import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { loadConfig, readEnvironment } from '../src/config/load-config';
import { PlatformSettings } from '../src/config/platform-settings';
import { MailDeliveryModule } from '../src/mail/mail-delivery.module';
import { freePort } from '../src/testing/free-port';
import { eventually, uniqueTestId } from '../src/testing/test-resources';
import { startRefusingSmtpServer, type SmtpRefusal } from './support/refusing-smtp-server';

const ATTEMPTS = 4;
const MAIL: SendEmailJobV1 = {
  to: 'retry-recipient@example.test',
  subject: 'Your sign-in code',
  text: 'Your sign-in code is 271828.',
  template: 'auth.email-code',
};

@Module({})
class MailDeliveryRetriesTestModule {}

function deliveryModule(settings: PlatformSettings, smtpUrl: string): DynamicModule {
  return {
    module: MailDeliveryRetriesTestModule,
    imports: [
      BullModule.forRoot({
        connection: { url: settings.REDIS_URL, maxRetriesPerRequest: null },
        prefix: settings.QUEUE_PREFIX,
      }),
      MailDeliveryModule.forRoot({ smtpUrl, from: 'Casino <tests@example.test>' }),
    ],
  };
}

/** Queues one mail with `ATTEMPTS` attempts and a short back-off; answers how many attempts it got before it failed. */
async function attemptsUntilFailed(smtpUrl: string): Promise<{ attemptsMade: number; failedReason: string }> {
  const id = uniqueTestId('mailretries');
  const settings = loadConfig(PlatformSettings, { ...readEnvironment(), QUEUE_PREFIX: `${id}-bull` });
  const app: INestApplicationContext = await NestFactory.createApplicationContext(deliveryModule(settings, smtpUrl), {
    logger: false,
  });
  const queue = new Queue<SendEmailJobV1>(QUEUES.MAIL, {
    connection: { url: settings.REDIS_URL, maxRetriesPerRequest: null },
    prefix: settings.QUEUE_PREFIX,
  });
  try {
    const job = await queue.add(MAIL_JOBS.SEND_EMAIL, MAIL, {
      attempts: ATTEMPTS,
      backoff: { type: 'fixed', delay: 20 },
    });
    await eventually(async () => (await queue.getJobState(job.id ?? '')) === 'failed', 15_000);
    const failed = await queue.getJob(job.id ?? '');
    return { attemptsMade: failed?.attemptsMade ?? -1, failedReason: failed?.failedReason ?? '' };
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await app.close();
  }
}

describe('mail delivery retries (integration, real Redis and BullMQ)', () => {
  it.each([
    ['the recipient with 550', 'recipient', 550, 'MAIL_SMTP_ENVELOPE_REJECTED'],
    ['the login with 535', 'login', 535, 'MAIL_SMTP_AUTH_FAILED'],
    ['the message with 554', 'message', 554, 'MAIL_SMTP_MESSAGE_REJECTED'],
  ] as [string, SmtpRefusal, number, string][])(
    'fails the job at its first attempt when the server refuses %s for good',
    async (_case, refuse, replyCode) => {
      const server = await startRefusingSmtpServer(refuse, replyCode);
      try {
        const outcome = await attemptsUntilFailed(`smtp://user:secret@127.0.0.1:${server.port}`);
        expect(outcome.attemptsMade).toBe(1);
        expect(outcome.failedReason).toContain(`reply ${replyCode}`);
        expect(server.refusals()).toBe(1);
      } finally {
        await server.close();
      }
    },
  );

  it.each([
    ['the recipient with 451', 'recipient', 451],
    ['the login with 454', 'login', 454],
  ] as [string, SmtpRefusal, number][])(
    'retries a mail whose server defers %s, up to the job attempts',
    async (_case, refuse, replyCode) => {
      const server = await startRefusingSmtpServer(refuse, replyCode);
      try {
        const outcome = await attemptsUntilFailed(`smtp://user:secret@127.0.0.1:${server.port}`);
        expect(outcome.attemptsMade).toBe(ATTEMPTS);
        expect(outcome.failedReason).toContain(`reply ${replyCode}`);
        expect(server.refusals()).toBe(ATTEMPTS);
      } finally {
        await server.close();
      }
    },
  );

  it('retries a mail whose server cannot be reached, up to the job attempts', async () => {
    const outcome = await attemptsUntilFailed(`smtp://127.0.0.1:${await freePort()}`);
    expect(outcome.attemptsMade).toBe(ATTEMPTS);
    expect(outcome.failedReason).toContain('ECONNREFUSED');
  });
});
