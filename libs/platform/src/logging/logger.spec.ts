import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS, REDACTION_CENSOR } from './redaction';
import { loggableUrl } from './logger.module';

function capture(): { logger: pino.Logger; lines: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    logger: pino({ redact: { paths: REDACTED_PATHS, censor: REDACTION_CENSOR } }, sink),
    lines: () => chunks.join(''),
  };
}

describe('log redaction', () => {
  it('blanks authorization headers, cookies, tokens, passwords and one-time codes', () => {
    const { logger, lines } = capture();
    logger.info({
      req: {
        headers: {
          authorization: 'Bearer eyJsecret',
          cookie: 'sid=abc',
          'x-hub88-signature': 'c2ln',
          'sec-websocket-protocol': 'casino.push.v1, bearer.eyJwsSecret',
        },
      },
      body: { email: 'a@example.test', code: '123456', password: 'hunter2', refreshToken: 'rt-secret' },
      mfaToken: 'mfa-secret',
      deep: { nested: { accessToken: 'at-secret' } },
    });
    const output = lines();
    for (const secret of [
      'eyJsecret',
      'eyJwsSecret',
      'sid=abc',
      'c2ln',
      '123456',
      'hunter2',
      'rt-secret',
      'mfa-secret',
      'at-secret',
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('a@example.test');
    expect(output).toContain(REDACTION_CENSOR);
  });

  it('blanks the text of SMS and mail jobs wherever a line carries their payload', () => {
    const { logger, lines } = capture();
    const sms = { to: '+4915112345678', text: 'Your code is 654321', template: 'phone-verification' };
    logger.warn({ job: { id: '7', data: sms }, reason: 'SMS gateway answered 503' }, 'SMS not sent');
    logger.info({ message: sms });
    logger.info({ ...sms, html: '<p>Your code is 987654</p>' });
    const output = lines();
    for (const secret of ['654321', '987654']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('phone-verification');
    expect(output).toContain('SMS gateway answered 503');
  });

  it("blanks the authorization header of an outgoing request and the SMS gateway's token", () => {
    const { logger, lines } = capture();
    logger.warn({ request: { headers: { authorization: 'Bearer gw-secret' } }, status: 503 }, 'gateway refused');
    logger.info({ options: { gatewayUrl: 'https://sms.example.test', gatewayToken: 'gw-token' } });
    const output = lines();
    expect(output).not.toContain('gw-secret');
    expect(output).not.toContain('gw-token');
    expect(output).toContain('https://sms.example.test');
  });

  it('blanks secret query parameters in logged URLs and keeps the rest', () => {
    expect(loggableUrl('/api/v1/x?token=abc&page=2')).toBe('/api/v1/x?token=%5BREDACTED%5D&page=2');
    expect(loggableUrl('/api/v1/x')).toBe('/api/v1/x');
  });
});
