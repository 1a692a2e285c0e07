import { UnrecoverableError } from 'bullmq';
import {
  asJobFailure,
  asMailDeliveryError,
  deliveryFailureOf,
  MailDeliveryError,
  PermanentMailDeliveryError,
} from './mail-delivery.error';

/** An error shaped the way nodemailer's SMTP connection shapes them. */
function smtpError(message: string, properties: Record<string, unknown>): Error {
  return Object.assign(new Error(message), properties);
}

describe('asMailDeliveryError', () => {
  it.each([
    [
      smtpError("Can't send mail - all recipients were rejected: 550 5.1.1 <bob@example.test>: rejected", {
        code: 'EENVELOPE',
        response: '550 5.1.1 <bob@example.test>: rejected',
        responseCode: 550,
        command: 'RCPT TO',
        rejected: ['bob@example.test'],
      }),
      'MAIL_SMTP_ENVELOPE_REJECTED',
      'SMTP server refused the sender or the recipients (EENVELOPE, at RCPT TO, reply 550)',
    ],
    [
      smtpError('Invalid login: 535 5.7.8 Authentication failed for bob', {
        code: 'EAUTH',
        responseCode: 535,
        command: 'AUTH PLAIN',
      }),
      'MAIL_SMTP_AUTH_FAILED',
      'SMTP server refused the login (EAUTH, at AUTH PLAIN, reply 535)',
    ],
    [
      smtpError('Message failed: 554 Message refused: Your code is 123456', {
        code: 'EMESSAGE',
        responseCode: 554,
        command: 'DATA',
      }),
      'MAIL_SMTP_MESSAGE_REJECTED',
      'SMTP server refused the message (EMESSAGE, at DATA, reply 554)',
    ],
    [
      smtpError('connect ECONNREFUSED 10.0.0.1:25', { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }),
      'MAIL_SMTP_CONNECTION_FAILED',
      'SMTP connection failed (ESOCKET, ECONNREFUSED, at CONN)',
    ],
    [
      smtpError('Greeting never received', { code: 'ETIMEDOUT' }),
      'MAIL_SMTP_TIMEOUT',
      'SMTP server did not answer in time (ETIMEDOUT)',
    ],
  ])('reduces a nodemailer error to its stable code and safe facts (%#)', (error, code, message) => {
    const reduced = asMailDeliveryError(error);
    expect(reduced).toMatchObject({ code, message });
    expect(reduced.stack).not.toMatch(/bob|123456|10\.0\.0\.1/);
  });

  it('leaves out a command or reply code that is not what nodemailer puts there', () => {
    const error = smtpError('x', { code: 'EENVELOPE', command: 'RCPT TO:<bob@example.test>', responseCode: '550 bob' });
    expect(asMailDeliveryError(error).message).toBe('SMTP server refused the sender or the recipients (EENVELOPE)');
  });

  it('keeps a MailDeliveryError and reduces any other error to its kind', () => {
    const unknownJob = new MailDeliveryError('MAIL_JOB_UNKNOWN', 'Unknown mail job x');
    expect(asMailDeliveryError(unknownJob)).toBe(unknownJob);
    expect(asMailDeliveryError(new TypeError('Your code is 123456 for bob@example.test'))).toMatchObject({
      code: 'MAIL_SMTP_FAILED',
      message: 'SMTP delivery failed (TypeError)',
    });
    expect(asMailDeliveryError({ code: 'bob@example.test' })).toMatchObject({
      message: 'SMTP delivery failed (unknown)',
    });
  });
});

describe('permanent and transient mail failures', () => {
  it('is permanent when nodemailer marks the reply so (5xx), transient for a 4xx reply or a failed connection', () => {
    const refused = smtpError('x', { code: 'EENVELOPE', responseCode: 550, permanent: true, command: 'RCPT TO' });
    const deferred = smtpError('x', { code: 'EENVELOPE', responseCode: 451, permanent: false, command: 'RCPT TO' });
    const unreachable = smtpError('x', { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' });
    expect(asMailDeliveryError(refused).permanent).toBe(true);
    expect(asMailDeliveryError(deferred).permanent).toBe(false);
    expect(asMailDeliveryError(unreachable).permanent).toBe(false);
  });

  it('hands BullMQ a permanent failure as unrecoverable, keeping its message and code; a transient one as it is', () => {
    const permanent = new MailDeliveryError('MAIL_SMTP_AUTH_FAILED', 'SMTP server refused the login (EAUTH)', true);
    const thrown = asJobFailure(permanent);
    expect(thrown).toBeInstanceOf(UnrecoverableError);
    expect(thrown).toBeInstanceOf(PermanentMailDeliveryError);
    expect(thrown.message).toBe(permanent.message);
    expect(deliveryFailureOf(thrown)).toBe(permanent);

    const transient = new MailDeliveryError('MAIL_SMTP_TIMEOUT', 'SMTP server did not answer in time (ETIMEDOUT)');
    expect(asJobFailure(transient)).toBe(transient);
    expect(deliveryFailureOf(transient)).toBe(transient);
    expect(deliveryFailureOf(new Error('other'))).toBeUndefined();
  });
});
