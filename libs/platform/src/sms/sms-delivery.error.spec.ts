import { asSmsDeliveryError, errorKind, SmsDeliveryError } from './sms-delivery.error';

describe('errorKind', () => {
  it('names the system error behind a failed request', () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(errorKind(error)).toBe('ECONNREFUSED');
  });

  it('names the class of an error that may quote its input, never its message', () => {
    expect(errorKind(new TypeError('Headers.append: "Bearer secret\nx" is an invalid header value.'))).toBe(
      'TypeError',
    );
  });

  it('reads errors of another realm, and gives up on names that are not identifiers', () => {
    expect(errorKind({ name: 'TimeoutError', message: 'aborted' })).toBe('TimeoutError');
    expect(errorKind({ name: 'Bearer secret', cause: { code: 'code 123456' } })).toBe('unknown');
    expect(errorKind('secret')).toBe('unknown');
  });
});

describe('asSmsDeliveryError', () => {
  it('keeps an SmsDeliveryError and reduces any other error to its kind', () => {
    const rejected = new SmsDeliveryError('SMS_GATEWAY_REJECTED', 'SMS gateway answered 503');
    expect(asSmsDeliveryError(rejected)).toBe(rejected);
    const reduced = asSmsDeliveryError(new Error('Your code is 123456'));
    expect(reduced).toMatchObject({ code: 'SMS_SENDER_FAILED', message: 'SMS sender failed (Error)' });
    expect(reduced.stack).not.toContain('123456');
  });
});
