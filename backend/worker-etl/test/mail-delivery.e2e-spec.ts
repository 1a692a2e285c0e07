import { MAIL_JOBS, QUEUES, type SendEmailJobV1 } from '@casino/contracts';
import { disposeIsolatedResources, eventually, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import { createWorkerApp } from '../src/bootstrap';
import { loadWorkerConfig } from '../src/config/load-worker-config';

/** MailDev, the SMTP sink of development and tests (scripts/services.sh starts it). */
const MAILDEV_API = 'http://127.0.0.1:1080';

interface MailDevEmail {
  id: string;
  subject: string;
  text: string;
  to: { address: string }[];
  from: { address: string }[];
}

describe('worker-etl mail delivery (e2e)', () => {
  const id = uniqueTestId('workermail');
  const config = loadWorkerConfig({ ...isolatedSettings(id), MAIL_FROM: 'Casino <worker@example.test>' });
  let app: NestFastifyApplication;
  let queue: Queue<SendEmailJobV1>;

  beforeAll(async () => {
    app = await createWorkerApp(config);
    await app.init();
    queue = new Queue(QUEUES.MAIL, {
      connection: { url: config.REDIS_URL, maxRetriesPerRequest: null },
      prefix: config.QUEUE_PREFIX,
    });
  });

  afterAll(async () => {
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await app?.close();
    await disposeIsolatedResources(id, config);
  });

  it('delivers a mail job of the queue over SMTP with the configured sender', async () => {
    const to = `${id}@example.test`;
    await queue.add(MAIL_JOBS.SEND_EMAIL, {
      to,
      subject: 'Your sign-in code',
      text: 'Your code is 123456',
      template: 'sign-in-code',
    });
    let mail: MailDevEmail | undefined;
    await eventually(async () => {
      const mails = (await (await fetch(`${MAILDEV_API}/email`)).json()) as MailDevEmail[];
      mail = mails.find((candidate) => candidate.to.some((address) => address.address === to));
      return mail !== undefined;
    });
    if (!mail) throw new Error(`no mail to ${to}`);
    await fetch(`${MAILDEV_API}/email/${mail.id}`, { method: 'DELETE' });
    expect(mail).toMatchObject({ subject: 'Your sign-in code', from: [{ address: 'worker@example.test' }] });
    expect(mail.text.trim()).toBe('Your code is 123456');
  });
});
