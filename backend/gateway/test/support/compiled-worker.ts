import { isolatedSettings } from '@casino/platform/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ENTRY = resolve(__dirname, '..', '..', '..', 'worker-etl', 'dist', 'main.js');

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The built worker-etl (`npm run build`) in a process of its own, with the suite's isolated names. */
export class CompiledWorker {
  private constructor(
    private readonly child: ChildProcess,
    public readonly origin: string,
  ) {}

  public static async start(id: string, settings: Record<string, string> = {}): Promise<CompiledWorker> {
    const port = await freePort();
    const child = spawn(process.execPath, [ENTRY], {
      env: { PATH: process.env['PATH'], ...isolatedSettings(id), WORKER_PORT: String(port), ...settings },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const worker = new CompiledWorker(child, `http://127.0.0.1:${port}`);
    await worker.waitUntilReady();
    return worker;
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
      if (this.child.exitCode !== null) throw new Error(`worker-etl exited: ${stderr.slice(-2000)}`);
      const ready = await fetch(`${this.origin}/health/ready`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ready) return;
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error(`worker-etl was not ready within 60 s: ${stderr.slice(-2000)}`);
  }
}
