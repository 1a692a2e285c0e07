import { MAIL_JOBS, QUEUES, type SendEmailJobV1 } from '@casino/contracts';
import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { Logger } from 'nestjs-pino';
import { loadConfig, readEnvironment } from '../src/config/load-config';
import { PlatformSettings } from '../src/config/platform-settings';
import { createLoggerModule } from '../src/logging/logger.module';
import { MailDeliveryModule } from '../src/mail/mail-delivery.module';
import { freePort } from '../src/testing/free-port';
import { eventually, uniqueTestId } from '../src/testing/test-resources';
import { startRefusingSmtpServer, type RefusingSmtpServer, type SmtpRefusal } from './support/refusing-smtp-server';
import { LogCapture } from './support/log-capture';

const CODE = '314159';
const TO = 'mail-recipient-7q@example.test';
const SMTP_USER = 'smtp-login-user-9z';
const SMTP_PASSWORD = 'smtp-secret-password-4k';

@Module({})
class MailDeliveryLogsTestModule {}

/** The `mail` queue's delivery as worker-etl mounts it, with the platform's logger writing to `capture`. */
function deliveryModule(settings: PlatformSettings, smtpUrl: string, capture: LogCapture): DynamicModule {
  return {
    module: MailDeliveryLogsTestModule,
    imports: [
      createLoggerModule({ serviceName: 'mail-delivery-logs-test', level: 'debug', destination: capture }),
      BullModule.forRoot({
        connection: { url: settings.REDIS_URL, maxRetriesPerRequest: null },
        prefix: settings.QUEUE_PREFIX,
      }),
      MailDeliveryModule.forRoot({ smtpUrl, from: 'Casino <tests@example.test>' }),
    ],
  };
}

describe('mail delivery failures in the worker logs (integration, real Redis and BullMQ)', () => {
  // nestjs-pino keeps the first app's logger for the process, so every case writes here; each reads its own part.
  const capture = new LogCapture();
  const servers: RefusingSmtpServer[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  async function smtpUrlRefusing(refuse: SmtpRefusal, replyCode: number): Promise<string> {
    const server = await startRefusingSmtpServer(refuse, replyCode);
    servers.push(server);
    return `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${server.port}`;
  }

  const cases: [string, string, boolean, () => Promise<string>][] = [
    [
      'a server that refuses the login, echoing user and password',
      'MAIL_SMTP_AUTH_FAILED',
      true,
      () => smtpUrlRefusing('login', 535),
    ],
    [
      'a server that refuses the recipient, echoing it',
      'MAIL_SMTP_ENVELOPE_REJECTED',
      true,
      () => smtpUrlRefusing('recipient', 550),
    ],
    [
      'a server that refuses the message, echoing it',
      'MAIL_SMTP_MESSAGE_REJECTED',
      true,
      () => smtpUrlRefusing('message', 554),
    ],
    [
      'a closed port',
      'MAIL_SMTP_CONNECTION_FAILED',
      false,
      async () => `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${await freePort()}`,
    ],
  ];

  it.each(cases)(
    'logs "Mail not sent" with a stable code, never the address, the login or the text: %s',
    async (_case, errorCode, permanent, smtpUrl) => {
      const id = uniqueTestId('maildeliverylogs');
      const settings = loadConfig(PlatformSettings, { ...readEnvironment(), QUEUE_PREFIX: `${id}-bull` });
      const logsBefore = capture.text().length;
      const app: INestApplicationContext = await NestFactory.createApplicationContext(
        deliveryModule(settings, await smtpUrl(), capture),
        { bufferLogs: true },
      );
      app.useLogger(app.get(Logger));
      const queue = new Queue<SendEmailJobV1>(QUEUES.MAIL, {
        connection: { url: settings.REDIS_URL, maxRetriesPerRequest: null },
        prefix: settings.QUEUE_PREFIX,
      });
      try {
        const mail = {
          to: TO,
          subject: `Your sign-in code: ${CODE}`,
          text: `Your sign-in code is ${CODE}.`,
          template: 'auth.email-code',
        };
        const job = await queue.add(MAIL_JOBS.SEND_EMAIL, mail, { attempts: 1 });
        await eventually(async () => (await queue.getJobState(job.id ?? '')) === 'failed');
        await eventually(async () => capture.text().slice(logsBefore).includes('Mail not sent'));

        const logs = capture.text().slice(logsBefore);
        const line = logs.split('\n').find((entry) => entry.includes('Mail not sent')) ?? '';
        expect(JSON.parse(line)).toMatchObject({ jobId: job.id, template: 'auth.email-code', errorCode, permanent });
        const failed = await queue.getJob(job.id ?? '');
        expect(failed?.failedReason).toBe(JSON.parse(line).reason);
        const stored = JSON.stringify([failed?.failedReason, failed?.stacktrace]);
        for (const secret of [TO, CODE, SMTP_USER, SMTP_PASSWORD]) {
          expect(logs).not.toContain(secret);
          expect(stored).not.toContain(secret);
        }
      } finally {
        await queue.obliterate({ force: true });
        await queue.close();
        await app.close();
      }
    },
  );
});
