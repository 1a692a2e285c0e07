import type { FastifyRequest } from 'fastify';
import { ipAddressOrNull, requestOriginOf } from './request-origin';

function request(ip: string, headers: Record<string, string> = {}): FastifyRequest {
  return { ip, headers, id: 'req-1' } as unknown as FastifyRequest;
}

describe('requestOriginOf', () => {
  it('keeps an IPv4 or IPv6 client address, the user agent and the request id', () => {
    expect(requestOriginOf(request('198.51.100.7', { 'user-agent': 'browser/1.0' }))).toEqual({
      ip: '198.51.100.7',
      userAgent: 'browser/1.0',
      requestId: 'req-1',
    });
    expect(requestOriginOf(request('2001:db8::1')).ip).toBe('2001:db8::1');
    expect(requestOriginOf(request('::ffff:192.0.2.1')).ip).toBe('::ffff:192.0.2.1');
  });

  it.each(['not-an-ip', '', '198.51.100.7, 10.0.0.1', '999.1.1.1', 'fe80::1%eth0', '<script>'])(
    'gives no address for a client "address" that is not one (%j), never a made-up one',
    (ip) => {
      expect(requestOriginOf(request(ip)).ip).toBeNull();
    },
  );

  it('cuts a long user agent and answers an empty one when there is none', () => {
    expect(requestOriginOf(request('192.0.2.1', { 'user-agent': 'x'.repeat(2000) })).userAgent).toHaveLength(512);
    expect(requestOriginOf(request('192.0.2.1')).userAgent).toBe('');
  });
});

describe('ipAddressOrNull', () => {
  it('answers null for nothing at all', () => {
    expect(ipAddressOrNull(undefined)).toBeNull();
  });
});
