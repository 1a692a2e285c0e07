import { classifyUpstreamFailure, wasNeverSent } from './upstream-errors';

/** reply-from wraps undici's error as `cause`; the codes are undici's and the socket's. */
const failure = (code: string) => Object.assign(new Error('upstream failed'), { cause: { code } });

describe('upstream failures', () => {
  it.each([
    ['ECONNREFUSED', 'connection', true],
    ['UND_ERR_CONNECT_TIMEOUT', 'connection', true],
    ['ECONNRESET', 'connection', false],
    ['UND_ERR_SOCKET', 'connection', false],
    ['EPIPE', 'connection', false],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', false],
  ])('%s is a %s failure; never sent: %s', (code, kind, neverSent) => {
    expect(classifyUpstreamFailure(failure(code))).toBe(kind);
    expect(wasNeverSent(failure(code))).toBe(neverSent);
  });
});
