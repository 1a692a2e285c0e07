import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisposableServer } from './disposable-server';
import { freePort } from './free-port';

/** Debian's package puts it in /usr/sbin, which is not on every user's PATH. */
export const NATS_SERVER = existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';

/** A nats-server with JetStream of a test's own; its store directory survives restarts. */
export class DisposableNats extends DisposableServer {
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'nats-js-'));

  public static async start(): Promise<DisposableNats> {
    const nats = new DisposableNats(await freePort());
    await nats.restart();
    return nats;
  }

  public get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  public async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  protected command(): [string, string[]] {
    return [NATS_SERVER, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir]];
  }
}
