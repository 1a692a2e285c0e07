import { subjectFor, type DomainEventEnvelope, type EventStreamKey } from '@casino/contracts';
import { disposeIsolatedResources, eventually, isolatedSettings, uniqueTestId } from '@casino/platform/testing';
import { createClient } from '@clickhouse/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { loadWorkerConfig } from '../src/config/load-worker-config';
import { roundClosed, transaction } from './etl-events';
import { factsDatabase } from './support/facts-database';

const ROOT = join(__dirname, '../../..');
/**
 * Issue 16: the compiled worker SIGKILLed while it loads (batches in flight, some inserted and not acknowledged),
 * started again, and fed events it had loaded republished under new ids: the rollups hold each bet once, and
 * `game_rounds` each closed round once.
 */
describe('worker-etl killed while loading (compiled worker, e2e)', () => {
  const id = uniqueTestId('etlcrash');
  const settings = isolatedSettings(id);
  const config = loadWorkerConfig(settings);
  const clickhouse = createClient({ url: config.CLICKHOUSE_URL, database: id });
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  let nats: NatsConnection;
  let worker: ChildProcess | undefined;

  const startWorker = async (): Promise<void> => {
    worker = spawn(process.execPath, [join(ROOT, 'backend/worker-etl/dist/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'],
        ...settings,
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
  };
  const publish = async (events: DomainEventEnvelope[], stream: EventStreamKey = 'wallet'): Promise<void> => {
    const jetstream = nats.jetstream();
    await Promise.all(
      events.map((event) =>
        jetstream.publish(subjectFor(id, stream, event.type), new TextEncoder().encode(JSON.stringify(event)), {
          msgID: event.id,
        }),
      ),
    );
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
  const roundTotals = async (): Promise<{ rows: string; bet: string; win: string }> => {
    const [rounds] = await (
      await clickhouse.query({
        query:
          'SELECT toString(count()) AS rows, toString(sum(total_bet - 9007199254740992)) AS bet, toString(sum(total_win)) AS win FROM game_rounds',
        format: 'JSONEachRow',
      })
    ).json<{ rows: string; bet: string; win: string }>();
    return rounds ?? { rows: '0', bet: '0', win: '0' };
  };

  beforeAll(async () => {
    await (await factsDatabase(config, id)).close();
    nats = await connect({ servers: config.NATS_URL });
  });

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await nats?.close();
    await clickhouse.close();
    await disposeIsolatedResources(id, config);
  });

  it('holds each bet once after a SIGKILL mid-load, a restart and republished events', async () => {
    const userId = randomUUID();
    const bets = Array.from({ length: 3000 }, (_, index) =>
      transaction({ userId, type: 'bet', cash: -BigInt(index + 1) }),
    );
    await startWorker();
    await publish(bets.slice(0, 2000));
    await eventually(async () => Number((await totals()).rows) > 0, 30_000, 20);
    worker?.kill('SIGKILL');

    // While it is down: the rest, and 500 already-published bets republished under new event ids (a relay replay).
    await publish(bets.slice(2000));
    await publish(bets.slice(0, 500).map((bet) => ({ ...bet, id: randomUUID() })));
    await startWorker();

    const expected = { bets: '3000', stake: ((3000n * 3001n) / 2n).toString(), rows: '3000' };
    await eventually(async () => (await totals()).rows === '3000', 60_000, 200);
    // Redeliveries of the batches in flight at the kill arrive after the ack wait: let them come and go.
    await new Promise((resolve) => setTimeout(resolve, 7000));
    expect(await totals()).toEqual(expected);
  }, 180_000);

  it('holds each closed round once, totals exact past 2^53, after a SIGKILL mid-load and republished rounds', async () => {
    const userId = randomUUID();
    // 2^53 + i: through a double most would come out wrong; summed less 2^53 each (the sum itself would overflow).
    const rounds = Array.from({ length: 2000 }, (_, index) =>
      roundClosed(userId, (2n ** 53n + BigInt(index)).toString(), BigInt(index).toString()),
    );
    if (!worker || worker.exitCode !== null) await startWorker();
    await publish(rounds.slice(0, 1500), 'game');
    await eventually(async () => Number((await roundTotals()).rows) > 0, 30_000, 20);
    worker?.kill('SIGKILL');

    await publish(rounds.slice(1500), 'game');
    await publish(
      rounds.slice(0, 300).map((round) => ({ ...round, id: randomUUID() })),
      'game',
    );
    await startWorker();

    const count = BigInt(rounds.length);
    const expected = {
      rows: String(rounds.length),
      bet: ((count * (count - 1n)) / 2n).toString(),
      win: ((count * (count - 1n)) / 2n).toString(),
    };
    await eventually(async () => (await roundTotals()).rows === expected.rows, 60_000, 200);
    await new Promise((resolve) => setTimeout(resolve, 7000));
    expect(await roundTotals()).toEqual(expected);
  }, 180_000);
});
