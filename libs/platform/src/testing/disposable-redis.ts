import { DisposableServer } from './disposable-server';
import { freePort } from './free-port';

/** A redis-server of a test's own, without persistence. */
export class DisposableRedis extends DisposableServer {
  public static async start(): Promise<DisposableRedis> {
    const redis = new DisposableRedis(await freePort());
    await redis.restart();
    return redis;
  }

  public get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected command(): [string, string[]] {
    return ['redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']];
  }
}
