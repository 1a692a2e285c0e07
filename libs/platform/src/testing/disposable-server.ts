import { spawn, type ChildProcess } from 'node:child_process';
import { waitForPort } from './free-port';

/**
 * A server process of a test's own on a loopback port, which the test may kill (as a crash or a
 * network cut would) and start again on the same port, without touching the shared services.
 */
export abstract class DisposableServer {
  private process?: ChildProcess;

  protected constructor(public readonly port: number) {}

  /** The program and its arguments. */
  protected abstract command(): [string, string[]];

  public async restart(): Promise<void> {
    const [program, args] = this.command();
    const child = spawn(program, args, { stdio: 'ignore' });
    this.process = child;
    const failed = new Promise<never>((_, reject) => child.once('error', reject));
    await Promise.race([waitForPort(this.port, 10_000), failed]);
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
