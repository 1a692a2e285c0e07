import { dependencyFailureKind, unavailableDependency, type UnavailableDependency } from '@casino/platform';

/** The stable code of the one log line of a provider wallet call that failed for no business reason. */
export const PROVIDER_WALLET_CALL_FAILED = 'PROVIDER_WALLET_CALL_FAILED';

export interface WalletCallFailureLine {
  errorCode: typeof PROVIDER_WALLET_CALL_FAILED;
  provider: string;
  operation: string;
  /** `57P01`, `53300`, `ECONNREFUSED`, `TypeError`...: what kind of error, never what it says. */
  cause: string;
  /** Set when the cause is a dependency out of reach (`postgres`, `redis`, `network`) rather than a bug. */
  dependency?: UnavailableDependency;
  /** The stack's frames without its first line, which repeats the message. */
  frames?: string[];
}

/**
 * What a log line may say of a failed wallet call. Not the error's message or properties: a query error carries its
 * query's parameters (the player's session token) and a driver's message may quote the values it refused.
 */
export function walletCallFailureLine(provider: string, operation: string, error: unknown): WalletCallFailureLine {
  const dependency = unavailableDependency(error);
  const frames = error instanceof Error ? error.stack?.split('\n').filter((line) => /^\s+at /.test(line)) : undefined;
  return {
    errorCode: PROVIDER_WALLET_CALL_FAILED,
    provider,
    operation,
    cause: dependencyFailureKind(error),
    ...(dependency ? { dependency } : {}),
    // A dependency's failure is no bug to trace; a bug's frames are what make its line useful.
    ...(!dependency && frames?.length ? { frames: frames.slice(0, 8).map((line) => line.trim()) } : {}),
  };
}
