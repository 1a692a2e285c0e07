/* global fetch, process, performance, setTimeout */
// `npm run chaos:cluster`: issue 22's campaign, not a CI test. The platform's compiled processes (nest-app, the outbox
// relay, worker-etl) run on the high-availability PostgreSQL of scripts/pg-ha.sh (Patroni, synchronous mode, reached
// through HAProxy) and the 3-node NATS cluster of `scripts/services.sh --cluster` (streams with 3 replicas), under a
// steady Hub88 load, while one node of each is killed in turn and brought back: the NATS node leading the wallet
// stream, then the PostgreSQL primary (Patroni promotes the synchronous standby). After each fault: wallet:verify,
// each event once in JetStream, every provider call answered on retry as the first answer said (a lost commit would
// answer differently), etl:verify. Settings: CHAOS_SCALE, CHAOS_RATE (60), CHAOS_CLIENTS (8), CHAOS_PLAYERS (100).
// CHAOS_CH_CLUSTER=1 runs the apps on the replicated ClickHouse of scripts/ch-cluster.sh (ADR 0032, a database of the
// campaign's own) and adds the fault "ClickHouse replica 1 SIGKILLed and brought back"; CHAOS_FAULTS=clickhouse (a
// comma list of nats, postgres, clickhouse) runs only the faults named.
// Writes bench/results/chaos-cluster-<time>.json. docs/scaling.md keeps the latest table.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const HA_DATABASE = 'postgres://casino:casino@127.0.0.1:5440/casino';
const NATS_CLUSTER = 'nats://127.0.0.1:4231,nats://127.0.0.1:4232,nats://127.0.0.1:4233';
// bench-support reads DATABASE_URL when it loads: the scratch database is made on the HA primary.
process.env.DATABASE_URL = HA_DATABASE;
process.env.NATS_URL = NATS_CLUSTER;
process.env.NATS_STREAM_REPLICAS = '3';

const { BIN, ROOT, scratchEnvironment, spawnNode, psql, verifyAfterLoad, withScratchDatabase } =
  await import('./lib/bench-support.mjs');
const { attemptStats, hub88Signer, replaySince, startSteadyLoad } = await import('./lib/chaos-load.mjs');
const { isReady, supervise } = await import('./lib/chaos-supervisor.mjs');
const { freePort, startGamesApi } = await import('./lib/hub88-load.mjs');

const SCALE = Number(process.env.CHAOS_SCALE ?? 1);
const RATE = Number(process.env.CHAOS_RATE ?? 60);
const CLIENTS = Number(process.env.CHAOS_CLIENTS ?? 8);
const PLAYERS = Number(process.env.CHAOS_PLAYERS ?? 100);
const VECTORS = process.env.HUB88_VECTORS_DIR ?? '/work/shared/reference/hub88-signature-vectors';
const CH_CLUSTER = process.env.CHAOS_CH_CLUSTER === '1';
const ONLY = (process.env.CHAOS_FAULTS ?? '').split(',').filter((fault) => fault.length > 0);
const CH_REPLICAS = ['http://127.0.0.1:8131', 'http://127.0.0.1:8132'];
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
const name = `chaoscl_${stamp}`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (value) => Math.max(2, Math.round(value * SCALE));
const round1 = (value) => Math.round(value * 10) / 10;
const script = (file, ...args) => execFileSync('bash', [join(ROOT, 'scripts', file), ...args], { encoding: 'utf8' });

async function walletStreamLeader() {
  const { connect } = await import('nats');
  const connection = await connect({ servers: NATS_CLUSTER.split(',') });
  try {
    const info = await (await connection.jetstreamManager()).streams.info(`${name}_wallet`.toUpperCase());
    return info.cluster?.leader;
  } finally {
    await connection.close();
  }
}

async function until(probe, timeoutMs, what) {
  const started = performance.now();
  while (!(await probe().catch(() => false))) {
    if (performance.now() - started > timeoutMs) throw new Error(`${what} did not happen in ${timeoutMs} ms`);
    await sleep(200);
  }
  return round1((performance.now() - started) / 1000);
}

const primaryIsUp = async () => psql('SELECT NOT pg_is_in_recovery()', 'postgres') === 't';

// Rows of the campaign's wallet facts a replica holds; the replica answering 0 while down counts as not caught up.
async function factsOn(url) {
  const query = `SELECT count() FROM ${name}.wallet_transactions FORMAT TabSeparated`;
  const response = await fetch(`${url}/?query=${encodeURIComponent(query)}`);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return Number((await response.text()).trim());
}

const allFaults = [
  {
    key: 'nats',
    name: 'NATS node leading the wallet stream SIGKILLed',
    run: async () => {
      const leader = await walletStreamLeader();
      execFileSync('bash', ['-c', `kill -9 "$(cat /run/nats-cluster-${leader}.pid)"`]);
      const newLeader = await until(
        async () => ((await walletStreamLeader()) ?? leader) !== leader,
        60_000,
        'a new stream leader',
      );
      await sleep(seconds(20) * 1000);
      script('services.sh', '--cluster');
      return { killed: leader, newLeaderSeconds: newLeader };
    },
  },
  {
    key: 'postgres',
    name: 'PostgreSQL primary SIGKILLed (Patroni fails over)',
    run: async () => {
      const killed = script('pg-ha.sh', 'kill-primary').trim().split('\n').at(-1);
      const promoted = await until(primaryIsUp, 90_000, 'a new primary');
      await sleep(seconds(20) * 1000);
      script('pg-ha.sh', 'revive', killed);
      return { killed, newPrimarySeconds: promoted };
    },
  },
  {
    key: 'clickhouse',
    name: 'ClickHouse replica 1 SIGKILLed (HAProxy sends to replica 2) and brought back',
    enabled: CH_CLUSTER,
    run: async () => {
      script('ch-cluster.sh', 'kill-replica', '1');
      await sleep(seconds(20) * 1000);
      const revived = performance.now();
      script('ch-cluster.sh', 'revive', '1');
      const restartSeconds = round1((performance.now() - revived) / 1000);
      // Caught up: replica 1 holds every fact replica 2 took while it was down (the load goes on meanwhile, so
      // equal counts twice in a row, a second apart).
      const caughtUp = await until(
        async () => {
          const [first, second] = await Promise.all(CH_REPLICAS.map(factsOn));
          await sleep(1000);
          return first === second && (await factsOn(CH_REPLICAS[0])) >= second;
        },
        120_000,
        'replica 1 catching up',
      );
      return { killed: 'clickhouse r1', restartSeconds, catchUpSeconds: round1(restartSeconds + caughtUp) };
    },
  },
];
const faults = allFaults.filter((fault) => fault.enabled !== false && (ONLY.length === 0 || ONLY.includes(fault.key)));

async function checkInvariants(env, calls, since, stats, apiPort, signer) {
  const result = {};
  const after = await verifyAfterLoad(env, name);
  result.walletVerify = after.walletVerify;
  result.eachEventOnceInJetStream = after.eachEventOnce ? 'passed' : `FAILED ${JSON.stringify(after.streams)}`;
  const { replayed, mismatches, lost } = await replaySince(() => apiPort, signer, calls, since, stats);
  result.sameAnswerOnRetry =
    mismatches.length === 0 && lost === 0
      ? `passed (${replayed} replayed)`
      : `FAILED: ${mismatches.length} different, ${lost} unanswered; ${JSON.stringify(mismatches.slice(0, 2))}`;
  try {
    execFileSync(process.execPath, [join(ROOT, 'backend/nest-app/dist/cli/etl-verify.js')], { env, stdio: 'ignore' });
    result.etlVerify = 'passed';
  } catch {
    result.etlVerify = 'FAILED';
  }
  return result;
}

async function campaign() {
  script('services.sh', '--cluster');
  script('pg-ha.sh', 'start');
  if (CH_CLUSTER) script('ch-cluster.sh', 'start');
  const clickhouse = CH_CLUSTER
    ? {
        CLICKHOUSE_URL: 'http://127.0.0.1:8130',
        CLICKHOUSE_DATABASE: name,
        CLICKHOUSE_REPLICATED: 'true',
        CLICKHOUSE_REPLICA_URLS: CH_REPLICAS.join(','),
      }
    : {};
  return withScratchDatabase(name, async () => {
    const env0 = scratchEnvironment(name, { OUTBOX_RELAY_ENABLED: 'false', ...clickhouse });
    execFileSync(process.execPath, [join(BIN, 'migrate.js'), 'run'], { env: env0, stdio: 'ignore' });
    const gamesApi = await startGamesApi();
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const env = {
      ...env0,
      API_PORT: String(apiPort),
      WORKER_PORT: String(workerPort),
      HUB88_PUBLIC_KEY_FILE: join(VECTORS, 'public.pem'),
      HUB88_OPERATOR_PRIVATE_KEY_FILE: join(VECTORS, 'private.pem'),
      HUB88_OPERATOR_ID: '1',
      HUB88_API_URL: gamesApi.url,
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
      GAME_KYC_DEPOSIT_THRESHOLD: '1000000000',
      WALLET_USER_CONSUMER_ENABLED: 'false',
    };
    const seed = spawnNode(join(BIN, 'wallet-bench-seed.js'), ['--players', String(PLAYERS)], env);
    const line = (await seed.finished).split('\n').find((candidate) => candidate.startsWith('{"seeded"'));
    const { gameCode, userIds } = JSON.parse(line).seeded;
    const players = userIds.map((userId) => ({ userId, token: gamesApi.tokens.get(userId) }));
    const apiReady = `http://127.0.0.1:${apiPort}/health/ready`;
    const processes = {
      'nest-app': supervise('nest-app', join(ROOT, 'backend/nest-app/dist/main.js'), env, apiReady),
      relay: supervise('relay', join(BIN, 'outbox-relay.js'), { ...env, LOG_LEVEL: 'info' }, null),
      'worker-etl': supervise(
        'worker-etl',
        join(ROOT, 'backend/worker-etl/dist/main.js'),
        env,
        `http://127.0.0.1:${workerPort}/health/ready`,
      ),
    };
    for (const process_ of Object.values(processes)) await process_.start();
    const signer = hub88Signer(VECTORS, () => apiPort);
    const stats = attemptStats();
    const loadOf = () =>
      startSteadyLoad({ port: () => apiPort, signer, players, gameCode, clients: CLIENTS, rate: RATE, stats });
    const rows = [];
    const calls = [];
    try {
      for (const fault of faults) {
        let load = loadOf();
        await sleep(seconds(10) * 1000);
        stats.take();
        process.stdout.write(`chaos:cluster: ${fault.name} ...\n`);
        const since = Date.now();
        const restarts = Object.fromEntries(Object.entries(processes).map(([k, p]) => [k, p.state.restarts]));
        const began = performance.now();
        const outcome = await fault.run();
        const during = stats.take();
        const recovered = await until(async () => (await isReady(apiReady)).ok, 180_000, 'nest-app ready');
        await sleep(seconds(10) * 1000);
        const after = stats.take();
        await load.stop();
        calls.push(...load.calls);
        const invariants = await checkInvariants(env, calls, since, stats, apiPort, signer);
        const restarted = Object.entries(processes).filter(([k, p]) => p.state.restarts > restarts[k]);
        invariants.noRestarts = restarted.length === 0 ? 'passed' : `FAILED: ${restarted.map(([k]) => k)}`;
        rows.push({
          fault: fault.name,
          durationSeconds: round1((performance.now() - began) / 1000),
          ...outcome,
          during,
          after,
          recoverSeconds: recovered,
          invariants,
        });
        process.stdout.write(`${JSON.stringify(rows.at(-1))}\n`);
      }
    } finally {
      for (const p of Object.values(processes)) await p.stop();
      gamesApi.close();
    }
    return { rows };
  });
}

const results = await campaign();
const file = join(ROOT, 'bench', 'results', `chaos-cluster-${stamp}.json`);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
writeFileSync(
  file,
  `${JSON.stringify({ at: new Date().toISOString(), version: packageJson.version, scale: SCALE, rate: RATE, clients: CLIENTS, players: PLAYERS, ...results }, null, 2)}\n`,
);
process.stdout.write(`written to ${file}\n`);
