import { Logger } from '@nestjs/common';
import { dependencyFailureKind, type UnavailableDependency } from '../errors/dependency-failure';

/** The stable code of the line of requests refused with a 503 because a dependency is unreachable. */
export const DEPENDENCY_UNAVAILABLE = 'DEPENDENCY_UNAVAILABLE';

/** An outage fails every request that needs the dependency: one line per dependency at most this often. */
export const DEPENDENCY_FAILURE_LOG_INTERVAL_MS = 10_000;

export class DependencyFailureLog {
  private readonly state = new Map<UnavailableDependency, { loggedAt: number; suppressed: number }>();

  public constructor(
    private readonly logger: Pick<Logger, 'warn'> = new Logger('ApiExceptionFilter'),
    private readonly now: () => number = Date.now,
  ) {}

  public failed(dependency: UnavailableDependency, error: unknown, requestId: string): void {
    const now = this.now();
    const last = this.state.get(dependency);
    if (last && now - last.loggedAt < DEPENDENCY_FAILURE_LOG_INTERVAL_MS) {
      last.suppressed += 1;
      return;
    }
    this.state.set(dependency, { loggedAt: now, suppressed: 0 });
    this.logger.warn(
      {
        errorCode: DEPENDENCY_UNAVAILABLE,
        dependency,
        cause: dependencyFailureKind(error),
        requestId,
        refusedSinceLastLine: last?.suppressed ?? 0,
      },
      'Request refused with 503: a dependency is unreachable',
    );
  }
}
