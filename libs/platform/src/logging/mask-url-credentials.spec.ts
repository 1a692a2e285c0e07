import { maskUrlCredentials } from './mask-url-credentials';

describe('maskUrlCredentials', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/casino', 'postgres://***@db:5432/casino'],
    ['redis://:s3cret@cache:6379/0', 'redis://***@cache:6379/0'],
    ['nats://user:s3cret@bus:4222', 'nats://***@bus:4222'],
    ['https://token@psp.example.com/v1?x=1', 'https://***@psp.example.com/v1?x=1'],
    ['amqp+ssl://user:p@ss@broker', 'amqp+ssl://***@broker'],
  ])('masks the userinfo of %s', (input, expected) => {
    expect(maskUrlCredentials(input)).toBe(expected);
  });

  it('masks every URL in a message', () => {
    const message = 'connect to redis://a:one@r1:6379 failed, then to "postgres://b:two@db/casino" as well';
    expect(maskUrlCredentials(message)).toBe(
      'connect to redis://***@r1:6379 failed, then to "postgres://***@db/casino" as well',
    );
  });

  it('leaves text without userinfo untouched', () => {
    const message =
      'GET https://psp.example.com/v1/pay?email=a@b.com failed; mail ops@example.com; connect ECONNREFUSED';
    expect(maskUrlCredentials(message)).toBe(message);
  });
});
