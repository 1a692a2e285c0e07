import { DomainError } from '@casino/contracts';
import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import { Draining } from './draining';
import { maskUrlCredentials } from '../logging/mask-url-credentials';
import { PROBE_TIMEOUT_MS, READINESS_PROBES, withTimeout, type ReadinessProbe } from './readiness-probe';

@Controller('health')
export class HealthController {
  public constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
    private readonly draining: Draining,
  ) {}

  /** The process is up and its event loop turns; says nothing about dependencies. */
  @Get('live')
  @HealthCheck()
  public live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** Every dependency answers; 503 naming each one that does not, or at once while the process drains. */
  @Get('ready')
  public async ready(): Promise<HealthCheckResult> {
    if (this.draining.active) {
      throw new DomainError('SERVICE_UNAVAILABLE', 'Not ready: draining before shutdown', { draining: true });
    }
    try {
      return await this.health.check(this.probes.map((probe) => () => this.run(probe)));
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        const result = error.getResponse() as HealthCheckResult;
        const down = Object.keys(result.error ?? {});
        throw new DomainError('SERVICE_UNAVAILABLE', `Not ready: ${down.join(', ')} down`, {
          down,
          checks: result.details,
        });
      }
      throw error;
    }
  }

  private async run(probe: ReadinessProbe): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(probe.name);
    try {
      await withTimeout(probe.check(), PROBE_TIMEOUT_MS, probe.name);
      return indicator.up();
    } catch (error) {
      // Driver errors may quote a connection URL, password included.
      const message = error instanceof Error ? error.message : String(error);
      return indicator.down({ message: maskUrlCredentials(message) });
    }
  }
}
