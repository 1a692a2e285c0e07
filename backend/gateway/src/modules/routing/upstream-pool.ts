import { Logger } from '@nestjs/common';
import { upstreamAvailable, upstreamEjections } from '../../common/gateway-metrics';

/**
 * The last readiness check's outcome: `ready` (200), `not_ready` (any other answer: draining, a dependency down),
 * `down` (the connection refused or reset), `slow` (no answer within GATEWAY_HEALTH_CHECK_TIMEOUT_MS).
 */
export type Readiness = 'ready' | 'not_ready' | 'down' | 'slow';

/** One nest-app instance and what the gateway knows of it. */
export class Upstream {
  public readiness: Readiness = 'ready';
  /** A request to it failed at the connection level since its last good readiness answer. */
  public ejected = false;

  public constructor(public readonly origin: string) {}

  public get available(): boolean {
    return this.readiness === 'ready' && !this.ejected;
  }

  /** Too busy to answer its check in time, but neither refusing connections nor saying it is not ready. */
  public get onlySlow(): boolean {
    return this.readiness === 'slow' && !this.ejected;
  }
}

/**
 * The instances behind the gateway: round-robin over those in rotation. An instance leaves the rotation when its
 * readiness check fails (active) or a request to it fails at the connection level (passive ejection), and comes
 * back with its next good readiness answer.
 */
export class UpstreamPool {
  public readonly upstreams: readonly Upstream[];
  private readonly logger = new Logger('UpstreamPool');
  private next = 0;

  public constructor(origins: readonly string[]) {
    this.upstreams = origins.map((origin) => new Upstream(origin));
    for (const upstream of this.upstreams) this.publish(upstream);
  }

  /**
   * The next instance in rotation, skipping `exclude` (the one a retried read just failed on). When none is in
   * rotation but some only answered their check too slowly (a load peak makes every instance slow at once), one of
   * those: refusing everything would turn a slow platform into a down one. None: undefined.
   */
  public pick(exclude?: Upstream): Upstream | undefined {
    return this.pickWhere((upstream) => upstream.available, exclude) ?? this.pickWhere((u) => u.onlySlow, exclude);
  }

  private pickWhere(usable: (upstream: Upstream) => boolean, exclude?: Upstream): Upstream | undefined {
    const count = this.upstreams.length;
    for (let step = 0; step < count; step++) {
      const upstream = this.upstreams[(this.next + step) % count]!;
      if (usable(upstream) && upstream !== exclude) {
        this.next = (this.next + step + 1) % count;
        return upstream;
      }
    }
    return undefined;
  }

  public eject(upstream: Upstream, reason: string): void {
    if (upstream.ejected) return;
    upstream.ejected = true;
    upstreamEjections.inc({ upstream: upstream.origin, cause: 'connection' });
    this.logger.warn({ upstream: upstream.origin, reason }, 'API instance ejected after a connection failure');
    this.publish(upstream);
  }

  public recordReadiness(upstream: Upstream, readiness: Readiness): void {
    const wasAvailable = upstream.available;
    upstream.readiness = readiness;
    if (readiness === 'ready') upstream.ejected = false;
    if (wasAvailable && !upstream.available) {
      upstreamEjections.inc({ upstream: upstream.origin, cause: 'health_check' });
      this.logger.warn({ upstream: upstream.origin, readiness }, 'API instance out of rotation: not ready');
    } else if (!wasAvailable && upstream.available) {
      this.logger.log({ upstream: upstream.origin }, 'API instance back in rotation');
    }
    this.publish(upstream);
  }

  private publish(upstream: Upstream): void {
    upstreamAvailable.set({ upstream: upstream.origin }, upstream.available ? 1 : 0);
  }
}
