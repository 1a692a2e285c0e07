export type SmsDeliveryErrorCode =
  | 'SMS_GATEWAY_REJECTED'
  | 'SMS_GATEWAY_REDIRECTED'
  | 'SMS_GATEWAY_TIMEOUT'
  | 'SMS_GATEWAY_REQUEST_FAILED'
  | 'SMS_JOB_UNKNOWN'
  | 'SMS_SENDER_FAILED';

/**
 * Why a text was not sent, told without the text, the number or the gateway's token: the processor logs
 * its message and BullMQ keeps it (and its stack) as the job's `failedReason` in Redis.
 */
export class SmsDeliveryError extends Error {
  public constructor(
    public readonly code: SmsDeliveryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SmsDeliveryError';
  }
}

/** Identifiers such as `TypeError` or `ECONNREFUSED`: never data. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,40}$/;

/**
 * What kind of error this is, never what it says: the system error code behind it (fetch's "fetch failed"
 * hides `ECONNREFUSED` in its cause) or its class name. Messages of libraries may quote what they were
 * given: fetch quotes a header value it refuses (the token) and a URL with credentials. Duck-typed, as
 * errors may come from another realm.
 */
export function errorKind(error: unknown): string {
  const code = propertyOf(propertyOf(error, 'cause'), 'code');
  if (typeof code === 'string' && IDENTIFIER.test(code)) return code;
  const name = propertyOf(error, 'name');
  return typeof name === 'string' && IDENTIFIER.test(name) ? name : 'unknown';
}

/** An `SmsDeliveryError` as it is; any other error reduced to its kind. */
export function asSmsDeliveryError(error: unknown): SmsDeliveryError {
  if (error instanceof SmsDeliveryError) return error;
  return new SmsDeliveryError('SMS_SENDER_FAILED', `SMS sender failed (${errorKind(error)})`);
}

function propertyOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
