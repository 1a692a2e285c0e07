import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { NATS_SERVER } from './disposable-nats';
import { DisposableServer } from './disposable-server';
import { freePort } from './free-port';

/** One node of a DisposableNatsCluster: client port, route port, its own JetStream store. */
export class DisposableNatsNode extends DisposableServer {
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'nats-cluster-js-'));

  public constructor(
    port: number,
    public readonly name: string,
    private readonly clusterName: string,
    private readonly routePort: number,
    private readonly routes: string,
  ) {
    super(port);
  }

  public get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  public async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }

  protected command(): [string, string[]] {
    return [
      NATS_SERVER,
      [
        ...['-a', '127.0.0.1', '-p', String(this.port), '-n', this.name, '-js', '-sd', this.storeDir],
        ...['--cluster_name', this.clusterName, '--cluster', `nats://127.0.0.1:${this.routePort}`],
        ...['--routes', this.routes],
      ],
    ];
  }
}

/**
 * Three nats-server nodes forming one JetStream cluster on loopback ports, as `scripts/services.sh --cluster` runs
 * them; a test kills and restarts single nodes (their stores survive) while the other two keep the quorum.
 */
export class DisposableNatsCluster {
  private constructor(public readonly nodes: DisposableNatsNode[]) {}

  public static async start(size = 3): Promise<DisposableNatsCluster> {
    const clusterName = `test_${process.pid}_${Date.now().toString(36)}`;
    const ports = await distinctFreePorts(size * 2);
    const routePorts = ports.slice(size);
    const routes = routePorts.map((port) => `nats://127.0.0.1:${port}`).join(',');
    const nodes = ports
      .slice(0, size)
      .map((port, index) => new DisposableNatsNode(port, `n${index + 1}`, clusterName, routePorts[index]!, routes));
    await Promise.all(nodes.map((node) => node.restart()));
    const cluster = new DisposableNatsCluster(nodes);
    await cluster.waitForJetStream();
    return cluster;
  }

  /** Until the nodes elected JetStream's meta leader (streams cannot be created before). */
  public async waitForJetStream(timeoutMs = 20_000): Promise<void> {
    const connection = await connect({ servers: this.url.split(',') });
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        const ready = await connection
          .jetstreamManager()
          .then(async (manager) => (await manager.getAccountInfo()) !== undefined)
          .catch(() => false);
        if (ready) return;
        if (Date.now() > deadline) throw new Error('the NATS cluster elected no JetStream leader');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      await connection.close();
    }
  }

  /** The seed list the apps get as NATS_URL. */
  public get url(): string {
    return this.nodes.map((node) => node.url).join(',');
  }

  public node(name: string): DisposableNatsNode {
    const found = this.nodes.find((node) => node.name === name);
    if (!found) throw new Error(`no node ${name} in the cluster`);
    return found;
  }

  public async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.dispose()));
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
