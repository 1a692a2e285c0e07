import { QUEUES, type SendEmailJobV1, type SendSmsJobV1 } from '@casino/contracts';
import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';

/** The jobs the app enqueued on a queue (whatever state a worker, if any, moved them to). */
async function jobsOf<T>(app: INestApplication, queue: string): Promise<T[]> {
  const jobs = await app
    .get<Queue>(getQueueToken(queue))
    .getJobs(['waiting', 'active', 'completed', 'failed', 'delayed']);
  return jobs.map((job) => job.data as T);
}

/** The 6-digit code in the last mail job sent to this address. */
export async function lastMailedCode(app: INestApplication, to: string): Promise<string> {
  const mails = (await jobsOf<SendEmailJobV1>(app, QUEUES.MAIL)).filter((job) => job.to === to);
  const match = mails.map((mail) => /\b(\d{6})\b/.exec(mail.text)).find((found) => found !== null);
  if (!match) throw new Error(`no code mailed to ${to}`);
  return match[1];
}

export async function mailsTo(app: INestApplication, to: string): Promise<SendEmailJobV1[]> {
  return (await jobsOf<SendEmailJobV1>(app, QUEUES.MAIL)).filter((job) => job.to === to);
}

export async function lastSmsCode(app: INestApplication, to: string): Promise<string> {
  const messages = (await jobsOf<SendSmsJobV1>(app, QUEUES.SMS)).filter((job) => job.to === to);
  const match = messages.map((sms) => /\b(\d{6})\b/.exec(sms.text)).find((found) => found !== null);
  if (!match) throw new Error(`no code texted to ${to}`);
  return match[1];
}
