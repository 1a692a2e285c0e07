import { UnrecoverableError } from 'bullmq';
import { errorKind } from '../errors/error-kind';

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
    /** Sending the same text again would be refused again (a 4xx refusal, a redirect, an unknown job): do not retry. */
    public readonly permanent = false,
  ) {
    super(message);
    this.name = 'SmsDeliveryError';
  }
}

/**
 * A permanent `SmsDeliveryError` as BullMQ's `UnrecoverableError`, which fails the job at once with no
 * attempts left to retry it. Same message; the failure it carries keeps the code.
 */
export class PermanentSmsDeliveryError extends UnrecoverableError {
  public constructor(public readonly failure: SmsDeliveryError) {
    super(failure.message);
  }
}

/** What the sms queue's worker throws: a permanent failure as unrecoverable, any other as it is (retried). */
export function asSmsJobFailure(failure: SmsDeliveryError): SmsDeliveryError | PermanentSmsDeliveryError {
  return failure.permanent ? new PermanentSmsDeliveryError(failure) : failure;
}

/** The `SmsDeliveryError` behind an error the worker threw, if any. */
export function smsDeliveryFailureOf(error: unknown): SmsDeliveryError | undefined {
  if (error instanceof PermanentSmsDeliveryError) return error.failure;
  return error instanceof SmsDeliveryError ? error : undefined;
}

/** An `SmsDeliveryError` as it is; any other error reduced to its kind (transient). */
export function asSmsDeliveryError(error: unknown): SmsDeliveryError {
  if (error instanceof SmsDeliveryError) return error;
  return new SmsDeliveryError('SMS_SENDER_FAILED', `SMS sender failed (${errorKind(error)})`);
}

/**
 * The 4xx statuses that say "not now" rather than "never": 408 Request Timeout, 425 Too Early and
 * 429 Too Many Requests. Any other 4xx (a bad number, a bad token, a wrong path) would be refused again.
 */
const TRANSIENT_CLIENT_STATUSES = new Set([408, 425, 429]);

/** Whether a gateway's refusal with `status` (not 2xx, not a redirect) is for good. */
export function isPermanentGatewayStatus(status: number): boolean {
  return status >= 400 && status < 500 && !TRANSIENT_CLIENT_STATUSES.has(status);
}
