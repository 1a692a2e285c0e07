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
  ) {
    super(message);
    this.name = 'SmsDeliveryError';
  }
}

/** An `SmsDeliveryError` as it is; any other error reduced to its kind. */
export function asSmsDeliveryError(error: unknown): SmsDeliveryError {
  if (error instanceof SmsDeliveryError) return error;
  return new SmsDeliveryError('SMS_SENDER_FAILED', `SMS sender failed (${errorKind(error)})`);
}
