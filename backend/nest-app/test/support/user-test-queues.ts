import type { INestApplication } from '@nestjs/common';
import { DevSmsInbox, type DevSmsMessage } from '@casino/platform';
import { eventually } from '@casino/platform/testing';
import { MAILDEV_API, readEmailCode } from './sign-in';

interface MailDevEmail {
  id: string;
  subject: string;
  text?: string;
  to: { address: string }[];
}

/** The 6-digit code in the newest mail to this address, as MailDev received it over SMTP. */
export function lastMailedCode(to: string): Promise<string> {
  return readEmailCode(to);
}

/** The mails MailDev received for this address (waiting for at least one), then deleted there. */
export async function mailsTo(to: string): Promise<{ subject: string; text: string }[]> {
  let mine: MailDevEmail[] = [];
  await eventually(async () => {
    const mails = (await (await fetch(`${MAILDEV_API}/email`)).json()) as MailDevEmail[];
    mine = mails.filter((mail) => mail.to.some((address) => address.address.toLowerCase() === to.toLowerCase()));
    return mine.length > 0;
  }, 15_000);
  await Promise.all(mine.map((mail) => fetch(`${MAILDEV_API}/email/${mail.id}`, { method: 'DELETE' })));
  return mine.map((mail) => ({ subject: mail.subject, text: mail.text ?? '' }));
}

/** The 6-digit code in the newest text to this number, as the development SMS sink stored it in the dev inbox. */
export async function lastSmsCode(app: INestApplication, to: string): Promise<string> {
  let messages: DevSmsMessage[] = [];
  await eventually(async () => {
    messages = await app.get(DevSmsInbox).list(to);
    return messages.some((sms) => /\b\d{6}\b/.test(sms.text));
  }, 15_000);
  const match = messages.map((sms) => /\b(\d{6})\b/.exec(sms.text)).find((found) => found !== null);
  if (!match) throw new Error(`no code texted to ${to}`);
  return match[1];
}
