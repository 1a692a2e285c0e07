import { errorKind, identifierProperty } from './error-kind';

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

describe('identifierProperty', () => {
  it('answers a code, never a value that could be data', () => {
    expect(identifierProperty(Object.assign(new Error('x'), { code: 'EENVELOPE' }), 'code')).toBe('EENVELOPE');
    expect(identifierProperty({ code: '550 <bob@example.test>' }, 'code')).toBeUndefined();
    expect(identifierProperty({ code: 550 }, 'code')).toBeUndefined();
    expect(identifierProperty(null, 'code')).toBeUndefined();
  });
});
