import { DomainError } from '@casino/contracts';
import { counterOf, REDIS_CLIENT } from '@casino/platform';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type { Counter } from 'prom-client';
import { requestOriginOf } from '../../../common/http/request-origin';
import { AppConfig } from '../../../config/app-config';
import { OutboundVolumeCircuit } from '../../../infra/outbound/outbound-volume.circuit';
import { SecurityEventRepository } from '../security-events/security-event.repository';
import { CODE_REQUEST_KEY, type CodeRequestOptions } from './code-request.decorator';
import { RedisThrottlerStorage } from './redis-throttler.storage';

const METRIC = 'auth_code_requests_limited_total';

function limitedCounter(): Counter<'channel'> {
  return counterOf(METRIC, 'Code requests refused by the per-IP code limit (AUTH_CODE_RATE_LIMIT_PER_IP), by channel', [
    'channel',
  ]);
}

/**
 * Global guard of the routes marked `@CodeRequest`: at most AUTH_CODE_RATE_LIMIT_PER_IP of them per client IP per
 * window, across all of them (429 RATE_LIMITED; the first refusal of a block is a `code.rate_limited` security
 * event), then the platform-wide circuit of the channel (503 CODE_DELIVERY_PAUSED). It runs before the handler
 * reads the address, so the answer is the same for every address, registered or not.
 */
@Injectable()
export class CodeRequestGuard implements CanActivate {
  private readonly storage: RedisThrottlerStorage;
  private readonly limited = limitedCounter();

  public constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly circuit: OutboundVolumeCircuit,
    private readonly events: SecurityEventRepository,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.storage = new RedisThrottlerStorage(redis);
  }

  public async canActivate(context: ExecutionContext): Promise<boolean> {
    const options = this.reflector.get<CodeRequestOptions | undefined>(CODE_REQUEST_KEY, context.getHandler());
    if (!options) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (options.whenBodyHas !== undefined && !hasField(request.body, options.whenBodyHas)) return true;
    await this.limitPerIp(request, options);
    await this.circuit.assertAcceptingCodes(options.channel);
    return true;
  }

  private async limitPerIp(request: FastifyRequest, options: CodeRequestOptions): Promise<void> {
    const origin = requestOriginOf(request);
    const ttl = this.config.AUTH_CODE_RATE_LIMIT_WINDOW_SECONDS * 1000;
    const limit = this.config.AUTH_CODE_RATE_LIMIT_PER_IP;
    const tracker = createHash('sha256')
      .update(origin.ip ?? 'unknown')
      .digest('hex');
    const key = `auth-code:ip:${tracker}`;
    const record = await this.storage.increment(key, ttl, limit, ttl, 'code-ip');
    if (!record.isBlocked) return;
    this.limited.inc({ channel: options.channel });
    const firstRefusal = await this.redis.set(`throttle:code-ip:${key}:reported`, '1', 'PX', ttl, 'NX');
    if (firstRefusal !== null) {
      await this.events.record({
        kind: 'code.rate_limited',
        origin,
        details: { limit, windowSeconds: this.config.AUTH_CODE_RATE_LIMIT_WINDOW_SECONDS },
      });
    }
    throw new DomainError('RATE_LIMITED', 'Too many code requests from this client; try again later', {
      retryAfterSeconds: Math.max(1, record.timeToBlockExpire),
    });
  }
}

function hasField(body: unknown, field: string): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>)[field] !== undefined;
}
