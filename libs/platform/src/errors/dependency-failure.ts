import { errorKind, identifierProperty, propertyOf } from './error-kind';

/** What a request needed and could not reach: the answer is a 503 to retry, not a 500 to report as a bug. */
export type UnavailableDependency = 'postgres' | 'redis' | 'network';

/**
 * SQLSTATEs of a PostgreSQL that is not there for the app: class 08 (connection exception), 57P01–57P03 (the server
 * shutting down, crashed, or not accepting connections yet) and 53300 (too many connections, or `CONNECTION LIMIT`).
 */
const POSTGRES_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
/** node-postgres and pg-pool say a connection was lost or never made in their messages only. */
const POSTGRES_CONNECTION_LOST =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/;
/** ioredis: a command given up after `maxRetriesPerRequest` reconnects, or sent on a closed or offline connection. */
const REDIS_GAVE_UP = new Set(['MaxRetriesPerRequestError']);
const REDIS_CONNECTION_LOST =
  /^(Connection is closed\.|Stream isn't writeable and enableOfflineQueue options is false)/;
/** A socket that could not connect or was cut, whatever it was for. */
const NETWORK_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The dependency an error says is unreachable, or null for any other error. Duck-typed (TypeORM's QueryFailedError
 * copies the driver's `code`; pg's errors are plain objects with a SQLSTATE), and reads only codes, names and the
 * fixed start of the drivers' own messages.
 */
export function unavailableDependency(error: unknown): UnavailableDependency | null {
  const driverError = propertyOf(error, 'driverError') ?? error;
  const code = propertyOf(driverError, 'code');
  if (typeof code === 'string' && POSTGRES_UNAVAILABLE.test(code)) return 'postgres';
  const message = propertyOf(driverError, 'message');
  if (typeof message === 'string' && POSTGRES_CONNECTION_LOST.test(message)) return 'postgres';
  const name = identifierProperty(error, 'name');
  if ((name && REDIS_GAVE_UP.has(name)) || (typeof message === 'string' && REDIS_CONNECTION_LOST.test(message))) {
    return 'redis';
  }
  const systemCode = identifierProperty(driverError, 'code') ?? identifierProperty(propertyOf(error, 'cause'), 'code');
  return systemCode && NETWORK_FAILURES.has(systemCode) ? 'network' : null;
}

const SQL_STATE = /^[0-9A-Z]{5}$/;

/** What a log line may say of such an error: its SQLSTATE, system code or class name, never its message. */
export function dependencyFailureKind(error: unknown): string {
  const driverError = propertyOf(error, 'driverError') ?? error;
  const code = propertyOf(driverError, 'code');
  if (typeof code === 'string' && SQL_STATE.test(code)) return code;
  return identifierProperty(driverError, 'code') ?? errorKind(error);
}
