import { MAIL_JOBS, QUEUES, type SendEmailJobV1 } from '@casino/contracts';
import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Queue } from 'bullmq';
import { Logger } from 'nestjs-pino';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig, readEnvironment } from '../src/config/load-config';
import { PlatformSettings } from '../src/config/platform-settings';
import { createLoggerModule } from '../src/logging/logger.module';
import { MailDeliveryModule } from '../src/mail/mail-delivery.module';
import { freePort } from '../src/testing/free-port';
import { eventually, uniqueTestId } from '../src/testing/test-resources';

const CODE = '314159';
const TO = 'mail-recipient-7q@example.test';
const SMTP_USER = 'smtp-login-user-9z';
const SMTP_PASSWORD = 'smtp-secret-password-4k';

/** Collects the JSON log lines the platform's logger writes. */
class LogCapture extends Writable {
  private readonly chunks: string[] = [];

  public override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk.toString('utf8'));
    done();
  }

  public text(): string {
    return this.chunks.join('');
  }
}

type Refusal = 'login' | 'recipient' | 'message';

/** The reply of a minimal SMTP server to one command, refusing `refuse` with an echo of what it refuses. */
function answer(command: string, refuse: Refusal): string {
  const verb = command.split(' ')[0]?.toUpperCase();
  switch (verb) {
    case 'EHLO':
      return '250-refusing.test\r\n250 AUTH PLAIN';
    case 'AUTH': {
      const [, user, password] = Buffer.from(command.split(' ')[2] ?? '', 'base64')
        .toString('utf8')
        .split('\0');
      return refuse === 'login' ? `535 5.7.8 Authentication failed for ${user} (${password})` : '235 2.7.0 Accepted';
    }
    case 'RCPT':
      return refuse === 'recipient' ? `550 5.1.1 ${command.slice(8)}: Recipient address rejected` : '250 2.1.5 Ok';
    case 'DATA':
      return '354 End data with <CR><LF>.<CR><LF>';
    case 'QUIT':
      return '221 2.0.0 Bye';
    default:
      return '250 Ok';
  }
}

/**
 * A minimal SMTP session that refuses one step, echoing what it was sent the way real servers do: the
 * login (user and password), the recipient, or the whole message (headers and text, after DATA).
 */
function smtpSession(socket: Socket, refuse: Refusal): void {
  let buffered = '';
  let message: string[] | null = null;
  const handle = (line: string): string | null => {
    if (message === null) {
      if (/^DATA$/i.test(line)) message = [];
      return answer(line, refuse);
    }
    if (line !== '.') {
      message.push(line);
      return null;
    }
    const echo = message.join(' ');
    message = null;
    return refuse === 'message' ? `554 5.7.1 Message refused: ${echo}` : '250 2.0.0 Queued';
  };
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
      const reply = handle(buffered.slice(0, end));
      buffered = buffered.slice(end + 2);
      if (reply !== null) socket.write(`${reply}\r\n`);
    }
  });
  socket.on('error', () => undefined);
  socket.write('220 refusing.test ESMTP\r\n');
}

async function startRefusingSmtpServer(refuse: Refusal): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => smtpSession(socket, refuse));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

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
  const servers: Server[] = [];

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function smtpUrlRefusing(refuse: Refusal): Promise<string> {
    const { server, port } = await startRefusingSmtpServer(refuse);
    servers.push(server);
    return `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`;
  }

  const cases: [string, string, () => Promise<string>][] = [
    [
      'a server that refuses the login, echoing user and password',
      'MAIL_SMTP_AUTH_FAILED',
      () => smtpUrlRefusing('login'),
    ],
    [
      'a server that refuses the recipient, echoing it',
      'MAIL_SMTP_ENVELOPE_REJECTED',
      () => smtpUrlRefusing('recipient'),
    ],
    ['a server that refuses the message, echoing it', 'MAIL_SMTP_MESSAGE_REJECTED', () => smtpUrlRefusing('message')],
    [
      'a closed port',
      'MAIL_SMTP_CONNECTION_FAILED',
      async () => `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${await freePort()}`,
    ],
  ];

  it.each(cases)(
    'logs "Mail not sent" with a stable code, never the address, the login or the text: %s',
    async (_case, errorCode, smtpUrl) => {
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
        expect(JSON.parse(line)).toMatchObject({ jobId: job.id, template: 'auth.email-code', errorCode });
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
