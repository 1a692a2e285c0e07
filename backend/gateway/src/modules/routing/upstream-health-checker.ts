import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Agent, request } from 'undici';
import { GatewayConfig } from '../../config/gateway-config';
import { UpstreamPool, type Readiness, type Upstream } from './upstream-pool';

/** undici's codes for a check that got no answer in time (not a refused or reset connection). */
const SLOW = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Asks every instance's `/health/ready` each GATEWAY_HEALTH_CHECK_INTERVAL_MS: only a 200 keeps it in rotation
 * (an instance that is down, draining or missing a dependency answers otherwise, or not at all).
 */
@Injectable()
export class UpstreamHealthChecker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly agent: Agent;
  private timer?: NodeJS.Timeout;
  private running = false;

  public constructor(
    private readonly pool: UpstreamPool,
    private readonly config: GatewayConfig,
  ) {
    this.agent = new Agent({ connections: 2, connectTimeout: config.GATEWAY_HEALTH_CHECK_TIMEOUT_MS });
  }

  /** The first round before the gateway listens, so it starts knowing which instances answer. */
  public async onApplicationBootstrap(): Promise<void> {
    await this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.config.GATEWAY_HEALTH_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  public async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.agent.close().catch(() => undefined);
  }

  public async checkAll(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await Promise.all(
        this.pool.upstreams.map(async (upstream) => this.pool.recordReadiness(upstream, await this.isReady(upstream))),
      );
    } finally {
      this.running = false;
    }
  }

  private async isReady(upstream: Upstream): Promise<Readiness> {
    try {
      const response = await request(`${upstream.origin}/health/ready`, {
        dispatcher: this.agent,
        // A new connection each time: the check then also proves the instance still accepts connections.
        reset: true,
        headersTimeout: this.config.GATEWAY_HEALTH_CHECK_TIMEOUT_MS,
        bodyTimeout: this.config.GATEWAY_HEALTH_CHECK_TIMEOUT_MS,
      });
      await response.body.dump();
      return response.statusCode === 200 ? 'ready' : 'not_ready';
    } catch (error) {
      return SLOW.has((error as { code?: string }).code ?? '') ? 'slow' : 'down';
    }
  }
}
