import { isolatedSettings } from '@casino/platform/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ENTRY = resolve(__dirname, '..', '..', 'dist', 'main.js');

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

/** The built gateway (`npm run build`) in a process of its own, as `npm start` runs it, with the suite's names. */
export class CompiledGateway {
  private constructor(
    private readonly child: ChildProcess,
    public readonly url: string,
  ) {}

  public static async start(id: string, settings: Record<string, string>): Promise<CompiledGateway> {
    const port = await freePort();
    const child = spawn(process.execPath, [ENTRY], {
      env: { PATH: process.env['PATH'], ...isolatedSettings(id), GATEWAY_PORT: String(port), ...settings },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const gateway = new CompiledGateway(child, `http://127.0.0.1:${port}`);
    await gateway.waitUntilReady();
    return gateway;
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
      if (this.child.exitCode !== null) throw new Error(`gateway exited: ${stderr.slice(-2000)}`);
      const ready = await fetch(`${this.url}/health/ready`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ready) return;
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error(`the gateway was not ready within 60 s: ${stderr.slice(-2000)}`);
  }
}
