import { UnrecoverableError } from 'bullmq';
import {
  asSmsDeliveryError,
  asSmsJobFailure,
  isPermanentGatewayStatus,
  PermanentSmsDeliveryError,
  SmsDeliveryError,
  smsDeliveryFailureOf,
} from './sms-delivery.error';

describe('asSmsDeliveryError', () => {
  it('keeps an SmsDeliveryError and reduces any other error to its kind', () => {
    const rejected = new SmsDeliveryError('SMS_GATEWAY_REJECTED', 'SMS gateway answered 503');
    expect(asSmsDeliveryError(rejected)).toBe(rejected);
    const reduced = asSmsDeliveryError(new Error('Your code is 123456'));
    expect(reduced).toMatchObject({ code: 'SMS_SENDER_FAILED', message: 'SMS sender failed (Error)' });
    expect(reduced.stack).not.toContain('123456');
  });
});

describe('permanent and transient SMS failures', () => {
  it.each([400, 401, 403, 404, 422])('calls a gateway refusal with %i permanent', (status) => {
    expect(isPermanentGatewayStatus(status)).toBe(true);
  });

  it.each([408, 425, 429, 500, 502, 503, 504])('calls a gateway refusal with %i transient', (status) => {
    expect(isPermanentGatewayStatus(status)).toBe(false);
  });

  it('hands BullMQ a permanent failure as unrecoverable, keeping its message and code; a transient one as it is', () => {
    const permanent = new SmsDeliveryError('SMS_GATEWAY_REJECTED', 'SMS gateway answered 400', true);
    const thrown = asSmsJobFailure(permanent);
    expect(thrown).toBeInstanceOf(UnrecoverableError);
    expect(thrown).toBeInstanceOf(PermanentSmsDeliveryError);
    expect(thrown.message).toBe(permanent.message);
    expect(smsDeliveryFailureOf(thrown)).toBe(permanent);

    const transient = new SmsDeliveryError('SMS_GATEWAY_REJECTED', 'SMS gateway answered 503');
    expect(asSmsJobFailure(transient)).toBe(transient);
    expect(smsDeliveryFailureOf(transient)).toBe(transient);
    expect(smsDeliveryFailureOf(new Error('other'))).toBeUndefined();
    expect(asSmsDeliveryError(new Error('x')).permanent).toBe(false);
  });
});
