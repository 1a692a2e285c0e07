import { DomainError } from '@casino/contracts';
import { createRedisClient } from '@casino/platform';
import { disposeIsolatedResources, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { register, type Counter } from 'prom-client';
import type { AppConfig } from '../src/config/app-config';
import { loadAppConfig } from '../src/config/load-app-config';
import { OutboundVolumeCircuit } from '../src/infra/outbound/outbound-volume.circuit';

const LIMIT = 5;

/** Two nest-app instances' circuits on one Redis (one key prefix), as in production. */
describe('OutboundVolumeCircuit (real Redis, two instances)', () => {
  const id = uniqueTestId('outbound');
  let config: AppConfig;
  let clients: Redis[];
  let first: OutboundVolumeCircuit;
  let second: OutboundVolumeCircuit;
  let warn: jest.SpiedFunction<Logger['warn']>;

  beforeEach(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await disposeIsolatedResources(id, loadAppConfig(isolatedSettings(id)));
    config = loadAppConfig({
      ...isolatedSettings(id),
      OUTBOUND_MAIL_LIMIT_PER_WINDOW: String(LIMIT),
      OUTBOUND_SMS_LIMIT_PER_WINDOW: String(LIMIT),
      OUTBOUND_MESSAGE_WINDOW_SECONDS: '600',
    });
    clients = [0, 1].map((n) =>
      createRedisClient({ url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX }, `circuit-${n}`),
    );
    [first, second] = clients.map((redis) => new OutboundVolumeCircuit(redis, config));
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    clients.forEach((redis) => redis.disconnect());
  });

  afterAll(async () => {
    await disposeIsolatedResources(id, config);
  });

  async function outcome(attempt: Promise<void>): Promise<string> {
    try {
      await attempt;
      return 'queued';
    } catch (error) {
      if (error instanceof DomainError) return error.code;
      throw error;
    }
  }

  it('admits exactly the limit of codes across instances racing for the last places', async () => {
    const attempts = Array.from({ length: 40 }, (_, n) => (n % 2 === 0 ? first : second).admitCode('mail'));
    const outcomes = await Promise.all(attempts.map(outcome));
    expect(outcomes.filter((result) => result === 'queued')).toHaveLength(LIMIT);
    expect(outcomes.filter((result) => result === 'CODE_DELIVERY_PAUSED')).toHaveLength(40 - LIMIT);
  });

  it('refuses codes with a retry time within the window, checks without counting, and keeps channels apart', async () => {
    for (let n = 0; n < LIMIT - 1; n++) await first.admitCode('mail');
    await expect(second.assertAcceptingCodes('mail')).resolves.toBeUndefined();
    await expect(second.assertAcceptingCodes('mail')).resolves.toBeUndefined();
    await second.admitCode('mail');
    const refusal = await first.assertAcceptingCodes('mail').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'CODE_DELIVERY_PAUSED', category: 'unavailable' });
    const retryAfter = (refusal as DomainError).details?.['retryAfterSeconds'] as number;
    expect(retryAfter).toBeGreaterThan(590);
    expect(retryAfter).toBeLessThanOrEqual(600);
    await expect(second.admitCode('mail')).rejects.toMatchObject({ code: 'CODE_DELIVERY_PAUSED' });
    await expect(first.admitCode('sms')).resolves.toBeUndefined();
  });

  it('still sends notices past the limit, counting them against codes', async () => {
    for (let n = 0; n < LIMIT; n++) await first.countNotice('mail');
    await expect(second.countNotice('mail')).resolves.toBeUndefined();
    await expect(second.admitCode('mail')).rejects.toMatchObject({ code: 'CODE_DELIVERY_PAUSED' });
  });

  it('opens a new window when the old one ends', async () => {
    for (let n = 0; n < LIMIT; n++) await first.admitCode('sms');
    await expect(first.admitCode('sms')).rejects.toMatchObject({ code: 'CODE_DELIVERY_PAUSED' });
    await clients[0]!.pexpire('outbound:sms', 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(second.admitCode('sms')).resolves.toBeUndefined();
  });

  it('warns once per window and counts every refusal in the metric', async () => {
    const metric = register.getSingleMetric('outbound_messages_total') as Counter;
    const refusedBefore = await refusedCodes(metric);
    for (let n = 0; n < LIMIT; n++) await first.admitCode('mail');
    for (let n = 0; n < 3; n++) {
      await expect((n === 1 ? second : first).admitCode('mail')).rejects.toBeInstanceOf(DomainError);
    }
    await expect(second.assertAcceptingCodes('mail')).rejects.toBeInstanceOf(DomainError);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ channel: 'mail', limit: LIMIT, windowSeconds: 600 });
    expect((await refusedCodes(metric)) - refusedBefore).toBe(4);
  });
});

async function refusedCodes(metric: Counter): Promise<number> {
  const { values } = await metric.get();
  const refused = values.find(
    (value) =>
      value.labels['channel'] === 'mail' && value.labels['kind'] === 'code' && value.labels['outcome'] === 'refused',
  );
  return refused?.value ?? 0;
}
