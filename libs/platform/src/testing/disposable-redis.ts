import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port';

/**
 * A redis-server of a test's own on a free loopback port, so that a test can stop and restart
 * "Redis" without touching the one every other suite uses.
 */
export class DisposableRedis {
  private process?: ChildProcess;

  private constructor(public readonly port: number) {}

  public static async start(): Promise<DisposableRedis> {
    const redis = new DisposableRedis(await freePort());
    await redis.restart();
    return redis;
  }

  public get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  public async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    this.process = child;
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) resolve();
      });
    });
  }

  public async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
