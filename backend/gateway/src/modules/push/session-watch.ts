import { sessionRecordKey } from '@casino/contracts';
import { REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { GatewayConfig } from '../../config/gateway-config';
import { PushHub } from './push-hub';

const SESSIONS_PER_PIPELINE = 1000;

/**
 * Closes the streams of ended sessions. nest-app ends a session by deleting its record in Redis (there is no event
 * for it), so every GATEWAY_PUSH_SESSION_CHECK_INTERVAL_MS the instance reads the owner of each session it holds a
 * stream of, one pipelined HGET per session: a revoked session's streams close within one interval. While Redis does
 * not answer, the streams stay open; their tokens' expiry still ends them.
 */
@Injectable()
export class SessionWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionWatch.name);
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  private failing = false;

  public constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly hub: PushHub,
    private readonly config: GatewayConfig,
  ) {}

  public onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.GATEWAY_PUSH_SESSION_CHECK_INTERVAL_MS).unref();
  }

  public onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Whether the session is alive and `userId`'s; throws when Redis does not answer. */
  public async isAlive(sessionId: string, userId: string): Promise<boolean> {
    return (await this.redis.hget(sessionRecordKey(sessionId), 'userId')) === userId;
  }

  public async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const sessions = this.hub.sessions();
      for (let start = 0; start < sessions.length; start += SESSIONS_PER_PIPELINE) {
        await this.check(sessions.slice(start, start + SESSIONS_PER_PIPELINE));
      }
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn({ err: error }, 'session check failed; streams stay open until it answers');
      this.failing = true;
    } finally {
      this.sweeping = false;
    }
  }

  private async check(sessions: [sessionId: string, userId: string][]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const [sessionId] of sessions) pipeline.hget(sessionRecordKey(sessionId), 'userId');
    const owners = (await pipeline.exec()) ?? [];
    sessions.forEach(([sessionId, userId], index) => {
      const [error, owner] = owners[index] ?? [new Error('no answer'), null];
      if (error) throw error;
      if (owner !== userId) this.hub.closeSession(sessionId, 'session_revoked');
    });
  }
}
