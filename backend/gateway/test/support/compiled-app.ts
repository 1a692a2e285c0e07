import { freePort, isolatedSettings } from '@casino/platform/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** One of the built apps (`npm run build`) a suite runs in a process of its own. */
export interface AppBuild {
  /** For error messages: `worker-etl`, `the gateway`. */
  name: string;
  entry: string;
  /** The setting that names its HTTP port. */
  portSetting: string;
}

export const WORKER_ETL: AppBuild = {
  name: 'worker-etl',
  entry: resolve(__dirname, '..', '..', '..', 'worker-etl', 'dist', 'main.js'),
  portSetting: 'WORKER_PORT',
};

export const GATEWAY: AppBuild = {
  name: 'the gateway',
  entry: resolve(__dirname, '..', '..', 'dist', 'main.js'),
  portSetting: 'GATEWAY_PORT',
};

/** A built app in a process of its own, as `npm start` runs it, with the suite's isolated names; SIGKILLed at stop. */
export class CompiledApp {
  private constructor(
    private readonly build: AppBuild,
    private readonly child: ChildProcess,
    public readonly origin: string,
  ) {}

  public static async start(build: AppBuild, id: string, settings: Record<string, string> = {}): Promise<CompiledApp> {
    const port = await freePort();
    const child = spawn(process.execPath, [build.entry], {
      env: { PATH: process.env['PATH'], ...isolatedSettings(id), [build.portSetting]: String(port), ...settings },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const app = new CompiledApp(build, child, `http://127.0.0.1:${port}`);
    await app.waitUntilReady();
    return app;
  }

  public async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((done) => this.child.once('exit', done));
    this.child.kill('SIGKILL');
    await exited;
  }

  private async waitUntilReady(): Promise<void> {
    let stderr = '';
    this.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.build.name} exited: ${stderr.slice(-2000)}`);
      const ready = await fetch(`${this.origin}/health/ready`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ready) return;
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error(`${this.build.name} was not ready within 60 s: ${stderr.slice(-2000)}`);
  }
}
