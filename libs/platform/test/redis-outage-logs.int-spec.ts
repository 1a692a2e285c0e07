import { BullModule, InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { BullConnectionWatchModule } from '../src/redis/bull-connection-watch';
import { REDIS_CONNECTION_FAILED, REDIS_CONNECTION_RESTORED } from '../src/redis/redis-connection-log';
import { createRedisClient } from '../src/redis/redis.module';
import { DisposableRedis } from '../src/testing/disposable-redis';
import { freePort } from '../src/testing/free-port';
import { eventually } from '../src/testing/test-resources';

const PASSWORD = 'redis-secret-pw-8x';

/** A redis-server of the test's own that wants the password of the URL. */
class PasswordRedis extends DisposableRedis {
  public static async on(port: number): Promise<PasswordRedis> {
    const redis = new PasswordRedis(port);
    await redis.restart();
    return redis;
  }

  protected override command(): [string, string[]] {
    const [program, args] = super.command();
    return [program, [...args, '--requirepass', PASSWORD]];
  }
}

interface Line {
  level: string;
  entry: Record<string, unknown>;
}

/** Everything the process writes through Nest's loggers and `console.error` (where unhandled client errors go). */
function recordOutput(): { lines: Line[]; consoleErrors: unknown[][]; text: () => string; stop: () => void } {
  const lines: Line[] = [];
  const consoleErrors: unknown[][] = [];
  const spies = [
    ...(['error', 'warn', 'log'] as const).map((level) =>
      jest.spyOn(Logger.prototype, level).mockImplementation((...[entry]: unknown[]) => {
        lines.push({ level, entry: typeof entry === 'object' && entry !== null ? (entry as Line['entry']) : {} });
      }),
    ),
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      consoleErrors.push(args);
    }),
  ];
  return {
    lines,
    consoleErrors,
    text: () => JSON.stringify({ lines, consoleErrors: consoleErrors.map((args) => args.map(String)) }),
    stop: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

const codesOf = (lines: Line[], client: string): unknown[] =>
  lines.filter((line) => line.entry['client'] === client).map((line) => line.entry['errorCode']);

describe('Redis clients during an outage (integration, a redis-server of the test own)', () => {
  let output: ReturnType<typeof recordOutput>;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    uncaught.push(error);
  };

  beforeEach(() => {
    uncaught.length = 0;
    process.on('uncaughtException', onUncaught);
    output = recordOutput();
  });

  afterEach(() => {
    output.stop();
    process.off('uncaughtException', onUncaught);
  });

  it("logs the platform client's outage once, without the URL's password, and reconnects when Redis is back", async () => {
    const port = await freePort();
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}/0`;
    let client: Redis | undefined;
    let redis: PasswordRedis | undefined;
    try {
      client = createRedisClient({ url, keyPrefix: 'outage-test:' }, 'outage-test');
      let reconnects = 0;
      client.on('reconnecting', () => (reconnects += 1));
      // A command while nothing listens fails on its own (maxRetriesPerRequest) instead of waiting for ever.
      await expect(client.get('key')).rejects.toThrow();
      await eventually(async () => reconnects >= 4);

      expect(codesOf(output.lines, 'outage-test')).toEqual([REDIS_CONNECTION_FAILED]);
      expect(output.lines.find((line) => line.entry['client'] === 'outage-test')?.entry).toMatchObject({
        cause: 'ECONNREFUSED',
        endpoint: `127.0.0.1:${port}/0`,
      });
      expect(output.consoleErrors).toEqual([]);

      redis = await PasswordRedis.on(port);
      await eventually(async () => client?.status === 'ready');
      expect(codesOf(output.lines, 'outage-test')).toEqual([REDIS_CONNECTION_FAILED, REDIS_CONNECTION_RESTORED]);
      await client.set('key', 'back');
      expect(await client.get('key')).toBe('back');

      // The next outage is a new one: logged again, once.
      await redis.stop();
      redis = undefined;
      await eventually(async () => codesOf(output.lines, 'outage-test').length === 3);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(codesOf(output.lines, 'outage-test')).toEqual([
        REDIS_CONNECTION_FAILED,
        REDIS_CONNECTION_RESTORED,
        REDIS_CONNECTION_FAILED,
      ]);
      expect(output.consoleErrors).toEqual([]);
      expect(output.text()).not.toContain(PASSWORD);
      expect(uncaught).toEqual([]);
    } finally {
      client?.disconnect();
      await redis?.stop();
    }
  });

  it("gives every BullMQ queue and worker an error listener: one line for the process's outage, no console noise", async () => {
    const port = await freePort();
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}`;

    @Processor('outage-jobs')
    class OutageProcessor extends WorkerHost {
      public async process(): Promise<void> {}
    }

    class Producer {
      public constructor(@InjectQueue('outage-other') public readonly queue: Queue) {}
    }

    @Module({
      imports: [
        BullModule.forRoot({ connection: { url, maxRetriesPerRequest: null }, prefix: 'outage-test' }),
        BullModule.registerQueue({ name: 'outage-jobs' }, { name: 'outage-other' }),
        BullConnectionWatchModule.forRoot({ redisUrl: url, clientName: 'outage-bullmq' }),
      ],
      providers: [OutageProcessor, Producer],
    })
    class OutageModule {}

    let app: INestApplicationContext | undefined;
    let redis: PasswordRedis | undefined;
    try {
      app = await NestFactory.createApplicationContext(OutageModule, { logger: false });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(codesOf(output.lines, 'outage-bullmq')).toEqual([REDIS_CONNECTION_FAILED]);
      expect(output.consoleErrors).toEqual([]);

      // Back: BullMQ's connections report it, and the app closes (a worker's close waits for its connection).
      redis = await PasswordRedis.on(port);
      await eventually(async () => codesOf(output.lines, 'outage-bullmq').length === 2);
      expect(codesOf(output.lines, 'outage-bullmq')).toEqual([REDIS_CONNECTION_FAILED, REDIS_CONNECTION_RESTORED]);
      await app.close();
      app = undefined;
      expect(output.consoleErrors).toEqual([]);
      expect(output.text()).not.toContain(PASSWORD);
      expect(uncaught).toEqual([]);
    } finally {
      if (app) {
        redis ??= await PasswordRedis.on(port);
        await app.close();
      }
      await redis?.stop();
    }
  });
});
