import {
  REDIS_CONNECTION_FAILED,
  REDIS_CONNECTION_RESTORED,
  REDIS_FAILURE_LOG_INTERVAL_MS,
  RedisConnectionLog,
  redisEndpoint,
  redisFailureKind,
} from './redis-connection-log';

describe('RedisConnectionLog', () => {
  let now: number;
  const lines: { level: string; entry: Record<string, unknown> }[] = [];
  const logger = {
    error: (entry: Record<string, unknown>) => lines.push({ level: 'error', entry }),
    log: (entry: Record<string, unknown>) => lines.push({ level: 'log', entry }),
  };
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6399'), { code: 'ECONNREFUSED' });

  beforeEach(() => {
    now = 1_000_000;
    lines.length = 0;
  });

  function connectionLog(): RedisConnectionLog {
    return new RedisConnectionLog('api', '127.0.0.1:6399', logger, () => now);
  }

  it('logs the first failure of an outage, counts the next ones, and reminds once per interval', () => {
    const log = connectionLog();
    for (let attempt = 0; attempt < 30; attempt += 1) {
      log.failed(refused);
      now += 2_000;
    }
    // 60 s of failures every 2 s: the first line and one reminder at the interval.
    expect(lines.map((line) => line.entry['errorCode'])).toEqual([REDIS_CONNECTION_FAILED]);
    log.failed(refused);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual({
      level: 'error',
      entry: {
        errorCode: REDIS_CONNECTION_FAILED,
        client: 'api',
        endpoint: '127.0.0.1:6399',
        cause: 'ECONNREFUSED',
        downSeconds: REDIS_FAILURE_LOG_INTERVAL_MS / 1000,
        failuresSinceLastLine: 29,
      },
    });
  });

  it('ends the outage with one line when the connection is back, and logs the next outage again', () => {
    const log = connectionLog();
    log.restored();
    expect(lines).toEqual([]);
    log.failed(refused);
    now += 5_000;
    log.failed(refused);
    log.restored();
    log.restored();
    log.failed(refused);
    expect(lines.map((line) => [line.level, line.entry['errorCode']])).toEqual([
      ['error', REDIS_CONNECTION_FAILED],
      ['log', REDIS_CONNECTION_RESTORED],
      ['error', REDIS_CONNECTION_FAILED],
    ]);
    expect(lines[1]?.entry).toMatchObject({ downSeconds: 5, failuresSinceLastLine: 1 });
  });

  it('names the endpoint without the credentials of the URL', () => {
    expect(redisEndpoint('redis://:s3cret@cache.internal:6380/2')).toBe('cache.internal:6380/2');
    expect(redisEndpoint('redis://app:s3cret@127.0.0.1')).toBe('127.0.0.1:6379');
    expect(redisEndpoint('not a url with s3cret')).not.toContain('s3cret');
  });

  it('names the kind of a failure, never its text', () => {
    expect(redisFailureKind(refused)).toBe('ECONNREFUSED');
    expect(redisFailureKind(new Error('WRONGPASS invalid username-password pair or user is disabled.'))).toBe(
      'WRONGPASS',
    );
    class MaxRetriesPerRequestError extends Error {
      public override name = 'MaxRetriesPerRequestError';
    }
    expect(redisFailureKind(new MaxRetriesPerRequestError('Reached the max retries per request limit'))).toBe(
      'MaxRetriesPerRequestError',
    );
  });
});
