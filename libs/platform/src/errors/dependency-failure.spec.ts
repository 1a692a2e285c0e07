import { DomainError } from '@casino/contracts';
import { Redis } from 'ioredis';
import { createConnection } from 'node:net';
import { toErrorResponse } from '../http/error-response';
import { DEPENDENCY_FAILURE_LOG_INTERVAL_MS, DependencyFailureLog } from '../http/dependency-failure-log';
import { freePort } from '../testing/free-port';
import { dependencyFailureKind, unavailableDependency } from './dependency-failure';

/** A PostgreSQL error as node-postgres raises it: an Error with the SQLSTATE in `code`. */
function postgresError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}

/** TypeORM's QueryFailedError: the driver's error under `driverError`, the query's parameters beside it. */
function queryFailed(driverError: Error): Error {
  return Object.assign(new Error(driverError.message), {
    name: 'QueryFailedError',
    driverError,
    parameters: ['session-token-secret'],
  });
}

async function refusedConnectionError(): Promise<Error> {
  const port = await freePort();
  return new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1');
    socket.once('error', (error) => {
      socket.destroy();
      resolve(error);
    });
  });
}

describe('unavailableDependency', () => {
  it.each([
    ['too many connections (CONNECTION LIMIT 0)', postgresError('53300', 'too many connections for database "x"')],
    ['a terminated backend', postgresError('57P01', 'terminating connection due to administrator command')],
    ['a server starting up', postgresError('57P03', 'the database system is starting up')],
    ['a connection exception', postgresError('08006', 'connection failure')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a query through TypeORM', queryFailed(postgresError('57P01', 'terminating connection'))],
  ])('names PostgreSQL for %s', (_label, error) => {
    expect(unavailableDependency(error)).toBe('postgres');
  });

  it('names Redis for a command ioredis gave up on, on a real client with nothing listening', async () => {
    const client = new Redis(await freePort(), { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      const error = await client.get('key').catch((failure: unknown) => failure);
      expect(unavailableDependency(error)).toBe('redis');
    } finally {
      client.disconnect();
    }
  });

  it('names the network for a refused socket, and nothing for the errors of a bug or of a business rule', async () => {
    const refused = await refusedConnectionError();
    expect(unavailableDependency(refused)).toBe('network');
    expect(unavailableDependency(Object.assign(new TypeError('fetch failed'), { cause: refused }))).toBe('network');
    expect(unavailableDependency(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeNull();
    expect(unavailableDependency(postgresError('23505', 'duplicate key value violates unique constraint'))).toBeNull();
    expect(unavailableDependency(queryFailed(postgresError('40P01', 'deadlock detected')))).toBeNull();
    expect(unavailableDependency(new DomainError('INSUFFICIENT_FUNDS', 'Not enough money'))).toBeNull();
  });

  it('tells a log line the SQLSTATE or system code, never the message or the parameters', () => {
    const error = queryFailed(postgresError('53300', 'too many connections for role "casino_secret_role"'));
    expect(dependencyFailureKind(error)).toBe('53300');
    expect(dependencyFailureKind(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      'ECONNREFUSED',
    );
  });
});

describe('toErrorResponse for an unreachable dependency', () => {
  it('is a 503 SERVICE_UNAVAILABLE to retry after 5 s, logged as the dependency rather than as a bug', () => {
    expect(toErrorResponse(queryFailed(postgresError('57P01', 'terminating connection')), true)).toEqual({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'The service is temporarily unavailable; try again shortly',
      retryAfterSeconds: 5,
      unexpected: false,
      dependency: 'postgres',
    });
    expect(toErrorResponse(new TypeError('a bug'), true)).toMatchObject({ status: 500, unexpected: true });
  });
});

describe('DependencyFailureLog', () => {
  it('writes one line per dependency and interval, counting the refusals between', () => {
    let now = 0;
    const lines: Record<string, unknown>[] = [];
    const log = new DependencyFailureLog({ warn: (entry: Record<string, unknown>) => lines.push(entry) }, () => now);
    const terminated = postgresError('57P01', 'terminating connection');
    for (let request = 0; request < 50; request += 1) {
      log.failed('postgres', terminated, `r${request}`);
      now += 100;
    }
    log.failed('redis', new Error('Connection is closed.'), 'r-redis');
    now = DEPENDENCY_FAILURE_LOG_INTERVAL_MS;
    log.failed('postgres', terminated, 'r-late');
    expect(lines).toEqual([
      expect.objectContaining({ dependency: 'postgres', cause: '57P01', requestId: 'r0', refusedSinceLastLine: 0 }),
      expect.objectContaining({ dependency: 'redis', requestId: 'r-redis' }),
      expect.objectContaining({ dependency: 'postgres', requestId: 'r-late', refusedSinceLastLine: 49 }),
    ]);
    expect(lines.every((line) => line['errorCode'] === 'DEPENDENCY_UNAVAILABLE')).toBe(true);
  });
});
