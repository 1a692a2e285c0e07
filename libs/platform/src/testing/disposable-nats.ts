import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port';

/** Debian's package puts it in /usr/sbin, which is not on every user's PATH. */
const NATS_SERVER = existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';

/**
 * A nats-server with JetStream of a test's own (free loopback port, its own store directory that
 * survives restarts), so that a test can stop and restart "NATS" without touching the shared one.
 */
export class DisposableNats {
  private process?: ChildProcess;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'nats-js-'));

  private constructor(public readonly port: number) {}

  public static async start(): Promise<DisposableNats> {
    const nats = new DisposableNats(await freePort());
    await nats.restart();
    return nats;
  }

  public get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  public async restart(): Promise<void> {
    const args = ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir];
    this.process = spawn(NATS_SERVER, args, { stdio: 'ignore' });
    await waitForPort(this.port, 10_000);
  }

  /** Kills the server outright, as a crash or a network cut would. */
  public async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  public async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
