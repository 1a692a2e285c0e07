import { UnrecoverableError } from 'bullmq';
import { errorKind, identifierProperty, propertyOf } from '../errors/error-kind';

export type MailDeliveryErrorCode =
  | 'MAIL_SMTP_AUTH_FAILED'
  | 'MAIL_SMTP_ENVELOPE_REJECTED'
  | 'MAIL_SMTP_MESSAGE_REJECTED'
  | 'MAIL_SMTP_CONNECTION_FAILED'
  | 'MAIL_SMTP_TIMEOUT'
  | 'MAIL_SMTP_FAILED'
  | 'MAIL_JOB_UNKNOWN';

/**
 * Why a mail was not sent, told without the recipient, the SMTP login or the text: the processor logs its
 * message and BullMQ keeps it (and its stack) as the job's `failedReason` in Redis. nodemailer's own
 * messages append the server's reply, and servers echo what they refuse: the recipient (`550 <bob@…>`),
 * the login (`535 … for bob`), even the message with its one-time code.
 */
export class MailDeliveryError extends Error {
  public constructor(
    public readonly code: MailDeliveryErrorCode,
    message: string,
    /** Sending the same mail again would be refused again (a 5xx reply, an unknown job): do not retry. */
    public readonly permanent = false,
  ) {
    super(message);
    this.name = 'MailDeliveryError';
  }
}

/**
 * A permanent `MailDeliveryError` as BullMQ's `UnrecoverableError`, which fails the job at once with no
 * attempts left to retry it. Same message; the failure it carries keeps the code.
 */
export class PermanentMailDeliveryError extends UnrecoverableError {
  public constructor(public readonly failure: MailDeliveryError) {
    super(failure.message);
  }
}

/** What the mail queue's worker throws: a permanent failure as unrecoverable, any other as it is (retried). */
export function asJobFailure(failure: MailDeliveryError): MailDeliveryError | PermanentMailDeliveryError {
  return failure.permanent ? new PermanentMailDeliveryError(failure) : failure;
}

/** The `MailDeliveryError` behind an error the worker threw, if any. */
export function deliveryFailureOf(error: unknown): MailDeliveryError | undefined {
  if (error instanceof PermanentMailDeliveryError) return error.failure;
  return error instanceof MailDeliveryError ? error : undefined;
}

type SmtpFailureCode = Exclude<MailDeliveryErrorCode, 'MAIL_JOB_UNKNOWN'>;

/** nodemailer's error codes (its `code` property) and the system codes of a failed connection. */
const SMTP_FAILURES: Record<string, SmtpFailureCode> = {
  EAUTH: 'MAIL_SMTP_AUTH_FAILED',
  ENOAUTH: 'MAIL_SMTP_AUTH_FAILED',
  EOAUTH2: 'MAIL_SMTP_AUTH_FAILED',
  EENVELOPE: 'MAIL_SMTP_ENVELOPE_REJECTED',
  EMAXRECIPIENTS: 'MAIL_SMTP_ENVELOPE_REJECTED',
  EMESSAGE: 'MAIL_SMTP_MESSAGE_REJECTED',
  ECONNECTION: 'MAIL_SMTP_CONNECTION_FAILED',
  ESOCKET: 'MAIL_SMTP_CONNECTION_FAILED',
  EDNS: 'MAIL_SMTP_CONNECTION_FAILED',
  ETLS: 'MAIL_SMTP_CONNECTION_FAILED',
  EPROXY: 'MAIL_SMTP_CONNECTION_FAILED',
  ECONNREFUSED: 'MAIL_SMTP_CONNECTION_FAILED',
  ECONNRESET: 'MAIL_SMTP_CONNECTION_FAILED',
  ENOTFOUND: 'MAIL_SMTP_CONNECTION_FAILED',
  ETIMEDOUT: 'MAIL_SMTP_TIMEOUT',
};

const DESCRIPTIONS: Record<SmtpFailureCode, string> = {
  MAIL_SMTP_AUTH_FAILED: 'SMTP server refused the login',
  MAIL_SMTP_ENVELOPE_REJECTED: 'SMTP server refused the sender or the recipients',
  MAIL_SMTP_MESSAGE_REJECTED: 'SMTP server refused the message',
  MAIL_SMTP_CONNECTION_FAILED: 'SMTP connection failed',
  MAIL_SMTP_TIMEOUT: 'SMTP server did not answer in time',
  MAIL_SMTP_FAILED: 'SMTP delivery failed',
};

/** The SMTP commands nodemailer names in `command` (`RCPT TO`, `AUTH PLAIN`, `CONN`): fixed words, no data. */
const SMTP_COMMAND = /^[A-Z][A-Z0-9]{0,11}( [A-Z0-9-]{1,12})?$/;

/**
 * A `MailDeliveryError` as it is; any other error reduced to its code, and what of it is never data: the
 * error code (`EENVELOPE`), the system code under it (`ECONNREFUSED`), the SMTP command and reply code.
 * Permanent when nodemailer marks the server's reply so (`permanent`: a 5xx reply other than 503); a
 * connection failure, a timeout or a 4xx reply is transient.
 */
export function asMailDeliveryError(error: unknown): MailDeliveryError {
  if (error instanceof MailDeliveryError) return error;
  const kind = identifierProperty(error, 'code') ?? errorKind(error);
  const code = SMTP_FAILURES[kind] ?? 'MAIL_SMTP_FAILED';
  const permanent = propertyOf(error, 'permanent') === true;
  return new MailDeliveryError(code, `${DESCRIPTIONS[code]} (${safeFacts(error, kind).join(', ')})`, permanent);
}

function safeFacts(error: unknown, kind: string): string[] {
  const facts = [kind];
  const systemCode = identifierProperty(error, 'originalCode');
  if (systemCode && systemCode !== kind) facts.push(systemCode);
  const command = propertyOf(error, 'command');
  if (typeof command === 'string' && SMTP_COMMAND.test(command)) facts.push(`at ${command}`);
  const reply = propertyOf(error, 'responseCode');
  if (typeof reply === 'number' && Number.isInteger(reply) && reply >= 200 && reply < 600) facts.push(`reply ${reply}`);
  return facts;
}
