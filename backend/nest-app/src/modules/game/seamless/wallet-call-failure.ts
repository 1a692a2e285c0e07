import { errorKind, identifierProperty } from '@casino/platform';
import { sqlStateOf } from '../../../infra/database/prepared-statement';

/** The stable code of the one log line of a provider wallet call that failed for no business reason. */
export const PROVIDER_WALLET_CALL_FAILED = 'PROVIDER_WALLET_CALL_FAILED';

const SQL_STATE = /^[0-9A-Z]{5}$/;

export interface WalletCallFailureLine {
  errorCode: typeof PROVIDER_WALLET_CALL_FAILED;
  provider: string;
  operation: string;
  /** `ECONNREFUSED`, `QueryFailedError`, `TypeError`...: what kind of error, never what it says. */
  cause: string;
  /** PostgreSQL's SQLSTATE when the database refused (`57P01` terminated, `53300` too many connections). */
  sqlState?: string;
  /** The stack's frames without its first line, which repeats the message. */
  frames?: string[];
}

/**
 * What a log line may say of a failed wallet call. Not the error's message or properties: a query error carries its
 * query's parameters (the player's session token) and a driver's message may quote the values it refused.
 */
export function walletCallFailureLine(provider: string, operation: string, error: unknown): WalletCallFailureLine {
  const sqlState = sqlStateOf(error);
  const frames = error instanceof Error ? error.stack?.split('\n').filter((line) => /^\s+at /.test(line)) : undefined;
  return {
    errorCode: PROVIDER_WALLET_CALL_FAILED,
    provider,
    operation,
    cause: identifierProperty(error, 'code') ?? errorKind(error),
    ...(sqlState !== undefined && SQL_STATE.test(sqlState) ? { sqlState } : {}),
    ...(frames?.length ? { frames: frames.slice(0, 8).map((line) => line.trim()) } : {}),
  };
}
