import { streamNameFor, subjectFor, type DomainEventEnvelope } from '@casino/contracts';
import {
  DisposableNatsCluster,
  disposeIsolatedResources,
  eventually,
  isolatedSettings,
  uniqueTestId,
} from '@casino/platform/testing';
import { createClient } from '@clickhouse/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { loadWorkerConfig } from '../src/config/load-worker-config';
import { transaction } from './etl-events';
import { factsDatabase } from './support/facts-database';

const ROOT = join(__dirname, '../../..');

/**
 * Issue 22: the compiled worker loads from a 3-node JetStream cluster (streams and its durable consumers with three
 * replicas). The node leading the wallet stream is SIGKILLed mid-load: the worker goes on through the other two
 * and ClickHouse holds each bet once (docs/scaling.md).
 */
describe('worker-etl on a 3-node NATS cluster, the stream leader killed mid-load (compiled worker, e2e)', () => {
  const id = uniqueTestId('etlcluster');
  let cluster: DisposableNatsCluster;
  let nats: NatsConnection;
  let worker: ChildProcess | undefined;
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const settings = () => ({ ...isolatedSettings(id), NATS_URL: cluster.url, NATS_STREAM_REPLICAS: '3' });
  const config = () => loadWorkerConfig(settings());
  let clickhouse: ReturnType<typeof createClient>;

  const publish = async (events: DomainEventEnvelope[]): Promise<void> => {
    const jetstream = nats.jetstream();
    for (const event of events) {
      // While the stream has no leader a publish times out or finds no responder: sent again, as the relay does,
      // with the same message id, until a new leader takes it.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const failure = await jetstream
          .publish(subjectFor(id, 'wallet', event.type), new TextEncoder().encode(JSON.stringify(event)), {
            msgID: event.id,
            timeout: 2000,
          })
          .then(
            () => null,
            (error: unknown) => error,
          );
        if (!failure) break;
        if (Date.now() > deadline) throw failure;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  const totals = async (): Promise<{ bets: string; stake: string; rows: string }> => {
    const [gaming] = await (
      await clickhouse.query({
        query: 'SELECT toString(sum(bets_count)) AS bets, toString(sum(stake_cash)) AS stake FROM gaming_15m',
        format: 'JSONEachRow',
      })
    ).json<{ bets: string; stake: string }>();
    const [facts] = await (
      await clickhouse.query({
        query: 'SELECT toString(count()) AS rows FROM wallet_transactions',
        format: 'JSONEachRow',
      })
    ).json<{ rows: string }>();
    return { bets: gaming?.bets ?? '0', stake: gaming?.stake ?? '0', rows: facts?.rows ?? '0' };
  };
  /** The wallet stream's leader; undefined while the JetStream API does not answer (during an election). */
  const walletStreamLeader = async (): Promise<string | undefined> => {
    try {
      return (await (await nats.jetstreamManager()).streams.info(streamNameFor(id, 'wallet'))).cluster?.leader;
    } catch {
      return undefined;
    }
  };

  beforeAll(async () => {
    cluster = await DisposableNatsCluster.start();
    clickhouse = createClient({ url: config().CLICKHOUSE_URL, database: id });
    await (await factsDatabase(config(), id)).close();
    nats = await connect({ servers: cluster.url.split(',') });
    worker = spawn(process.execPath, [join(ROOT, 'backend/worker-etl/dist/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'],
        ...settings(),
        WORKER_PORT: String(port),
        LOG_LEVEL: 'silent',
        ETL_BATCH_MAX_ROWS: '100',
        ETL_ACK_WAIT_SECONDS: '5',
        MAIL_DELIVERY_ENABLED: 'false',
        SMS_DELIVERY_ENABLED: 'false',
        REPORT_EXPORTS_ENABLED: 'false',
      },
      stdio: 'ignore',
    });
    await eventually(
      () =>
        fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (response) => response.ok,
          () => false,
        ),
      60_000,
      200,
    );
  }, 120_000);

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await nats?.close();
    await clickhouse?.close();
    await disposeIsolatedResources(id, config());
    await cluster?.dispose();
  });

  it('loads each bet once while the node leading the stream dies and returns', async () => {
    const userId = randomUUID();
    const bets = Array.from({ length: 2000 }, (_, index) =>
      transaction({ userId, type: 'bet', cash: -BigInt(index + 1) }),
    );
    await publish(bets.slice(0, 1000));
    await eventually(async () => Number((await totals()).rows) > 0, 30_000, 50);
    let leader = '';
    await eventually(async () => Boolean((leader = (await walletStreamLeader()) ?? '')), 30_000);
    await cluster.node(leader).stop();
    await publish(bets.slice(1000, 1500));
    await eventually(async () => ((await walletStreamLeader()) ?? leader) !== leader, 30_000);
    await cluster.node(leader).restart();
    await publish(bets.slice(1500));

    const expected = { bets: '2000', stake: ((2000n * 2001n) / 2n).toString(), rows: '2000' };
    await eventually(async () => (await totals()).rows === '2000', 90_000, 200);
    // Batches in flight at the kill come back after the ack wait: let them come and go.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    expect(await totals()).toEqual(expected);
    expect(worker?.exitCode).toBeNull();
  }, 180_000);
});
