import { asSmsDeliveryError, SmsDeliveryError } from './sms-delivery.error';

describe('asSmsDeliveryError', () => {
  it('keeps an SmsDeliveryError and reduces any other error to its kind', () => {
    const rejected = new SmsDeliveryError('SMS_GATEWAY_REJECTED', 'SMS gateway answered 503');
    expect(asSmsDeliveryError(rejected)).toBe(rejected);
    const reduced = asSmsDeliveryError(new Error('Your code is 123456'));
    expect(reduced).toMatchObject({ code: 'SMS_SENDER_FAILED', message: 'SMS sender failed (Error)' });
    expect(reduced.stack).not.toContain('123456');
  });
});
