import { isolatedSettings } from '@casino/platform/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';

const DIST = resolve(__dirname, '..', '..', '..', 'nest-app', 'dist');
const ENTRY = resolve(DIST, 'main.js');
const DEVELOPMENT_DATABASE = 'postgres://casino:casino@127.0.0.1:5432/casino';

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

function databaseUrl(database: string): string {
  const url = new URL(DEVELOPMENT_DATABASE);
  url.pathname = `/${database}`;
  return url.toString();
}

/** The built nest-app (`npm run build`) in a process of its own, on its own database, behind the gateway. */
export class CompiledNestApp {
  private constructor(
    private readonly child: ChildProcess,
    public readonly origin: string,
    private readonly database: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly ownsDatabase = true,
  ) {}

  /** The database's URL (the verifier of a test connects to it). */
  public get databaseUrl(): string {
    return databaseUrl(this.database);
  }

  /** Runs one of nest-app's command-line tools (`dist/cli/<name>.js`) with this instance's settings; its stdout. */
  public async runCli(name: string, args: string[] = []): Promise<string> {
    const child = spawn(process.execPath, [resolve(DIST, 'cli', `${name}.js`), ...args], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    if (code !== 0) throw new Error(`${name} exited ${code}: ${stderr.slice(-2000)}`);
    return stdout;
  }

  /** Sends the process a signal and resolves with its exit code once it has exited. */
  public async signal(signal: NodeJS.Signals): Promise<number | null> {
    const exited = new Promise<number | null>((done) => this.child.once('exit', (code) => done(code)));
    this.child.kill(signal);
    return exited;
  }

  /**
   * With `sharing`, a second instance of the same deployment: the same database, Redis and NATS names as that one
   * (which owns the database and drops it on stop).
   */
  public static async start(
    id: string,
    settings: Record<string, string>,
    sharing?: CompiledNestApp,
  ): Promise<CompiledNestApp> {
    if (!sharing) await CompiledNestApp.admin(`CREATE DATABASE ${id}`);
    const database = sharing?.database ?? id;
    const port = await freePort();
    const env = {
      PATH: process.env['PATH'],
      ...isolatedSettings(database),
      DATABASE_URL: databaseUrl(database),
      MIGRATIONS_RUN_ON_START: 'true',
      API_PORT: String(port),
      BACKOFFICE_ENABLED: 'false',
      ...settings,
    };
    const child = spawn(process.execPath, [ENTRY], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const app = new CompiledNestApp(child, `http://127.0.0.1:${port}`, database, env, !sharing);
    await app.waitUntilReady();
    return app;
  }

  public async query<T>(sql: string): Promise<T[]> {
    const client = new Client({ connectionString: databaseUrl(this.database) });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Kills the process (a test's teardown needs no drain) and drops the database it owns. */
  public async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((done) => this.child.once('exit', done));
      this.child.kill('SIGKILL');
      await exited;
    }
    if (this.ownsDatabase) await CompiledNestApp.admin(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`);
  }

  private async waitUntilReady(): Promise<void> {
    let stderr = '';
    this.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`nest-app exited: ${stderr.slice(-2000)}`);
      const ready = await fetch(`${this.origin}/health/ready`)
        .then((response) => response.ok)
        .catch(() => false);
      if (ready) return;
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error(`nest-app was not ready within 90 s: ${stderr.slice(-2000)}`);
  }

  private static async admin(statement: string): Promise<void> {
    const client = new Client({ connectionString: databaseUrl('postgres') });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }
}
