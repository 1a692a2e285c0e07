/* global process, fetch, setTimeout */
// `npm run bench:gateway`: live-push latency through the gateway at 1,000 connected players. Not a CI test. Needs the
// build (the npm script runs it first), PostgreSQL, Redis and NATS.
// One gateway process (node backend/gateway/dist/main.js) holds BENCH_PLAYERS WebSockets (/ws, token as subprotocol)
// opened by this script, one per player, each with its session in Redis as nest-app writes it. Two kinds of phase,
// BENCH_PUSH_RATE balance changes a second for BENCH_SECONDS each, round robin over the players:
//   gateway      — this script publishes wallet.transaction.completed to JetStream as the outbox relay does, with
//                  occurredAt = the publish time: the gateway's share (NATS → gateway → socket);
//   walletCommit — real deposits: a nest-app context (bench/lib/push-wallet-driver.mjs, WalletService) commits them,
//                  the outbox relay (its own process, OUTBOX_RELAY_INTERVAL_MS from BENCH_RELAY_INTERVALS_MS, one
//                  phase each) publishes them: occurredAt (set inside the wallet's transaction) → socket.
// Latency = the client's receive time − the event's occurredAt (one clock: all on this machine). Also the gateway's
// CPU (its process, cores used) and the machine's shares by process group. Figures go to
// bench/results/gateway-push-<time>.json. BENCH_NO_WRITE=1 prints only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BIN, ROOT, SECONDS, psql, scratchEnvironment, spawnNode, withScratchDatabase } from './lib/bench-support.mjs';
import { startCpuShares } from './lib/cpu-shares.mjs';
import { freePort } from './lib/hub88-load.mjs';

const require = createRequire(import.meta.url);
const { sign } = require('jsonwebtoken');
const { Redis } = require('ioredis');
const { WebSocket } = require('ws');
const { connect } = require('nats');
const { sessionRecordKey, subjectFor, WALLET_TRANSACTION_COMPLETED } = require('@casino/contracts');

const PLAYERS = Number(process.env.BENCH_PLAYERS ?? 1000);
const RATE = Number(process.env.BENCH_PUSH_RATE ?? 200);
const RELAY_INTERVALS = (process.env.BENCH_RELAY_INTERVALS_MS ?? '200,20,10').split(',').filter(Boolean).map(Number);
const SECRET = 'bench-gateway-push-secret-of-32-characters-or-more';
const GATEWAY_ENTRY = join(ROOT, 'backend', 'gateway', 'dist', 'main.js');
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').toLowerCase();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? null;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? null };
}

function processTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function waitReady(url) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (
      await fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(200);
  }
  throw new Error('the gateway was not ready within 60 s');
}

/** One WebSocket per player; every balance.changed message adds its latency to the current phase. */
async function connectPlayers(url, players, onBalance) {
  const sockets = [];
  for (let start = 0; start < players.length; start += 50) {
    const batch = players.slice(start, start + 50).map(
      (player) =>
        new Promise((resolve, reject) => {
          const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`, ['casino.push.v1', `bearer.${player.token}`]);
          socket.on('message', (data) => {
            const message = JSON.parse(data.toString());
            if (message.type === 'stream.ready') resolve(socket);
            else if (message.type === 'balance.changed') onBalance(Date.now() - Date.parse(message.occurredAt));
          });
          socket.once('unexpected-response', (_request, response) =>
            reject(new Error(`upgrade: ${response.statusCode}`)),
          );
          socket.once('error', reject);
          socket.on('close', () => player.closed++);
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** Runs `load` while measuring the gateway's CPU and the machine's; waits a second after for late messages. */
async function phase(name, gatewayPid, latencies, load) {
  latencies.length = 0;
  const ticksBefore = processTicks(gatewayPid);
  const shares = startCpuShares();
  const started = Date.now();
  const sent = await load();
  const seconds = (Date.now() - started) / 1000;
  const cpuShares = shares.stop();
  const gatewayCores = Math.round(((processTicks(gatewayPid) - ticksBefore) / 100 / seconds) * 1000) / 1000;
  await sleep(1000);
  const figures = {
    phase: name,
    sent,
    received: latencies.length,
    latencyMs: percentiles(latencies),
    gatewayCores,
    cpuShares,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  return figures;
}

/** Publishes `rate` events a second for `seconds` straight to JetStream, as the relay would, occurredAt = now. */
async function publishDirect(nats, prefix, players, wallets, seconds = SECONDS) {
  const jetstream = nats.jetstream();
  const started = Date.now();
  const inFlight = [];
  let sent = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * RATE);
    for (; sent < due; sent += 1) {
      const player = players[sent % players.length];
      const walletId = wallets.get(player.userId);
      const event = {
        id: randomUUID(),
        type: WALLET_TRANSACTION_COMPLETED,
        version: 1,
        occurredAt: new Date().toISOString(),
        aggregateId: walletId,
        payload: {
          walletId,
          userId: player.userId,
          transactionId: randomUUID(),
          transactionType: 'deposit',
          currency: 'EUR',
          amount: '100',
          entries: [],
          balanceAfter: { cash: '100', bonus: '0', held: '0', available: '100', currency: 'EUR' },
        },
      };
      inFlight.push(
        jetstream.publish(subjectFor(prefix, 'wallet', event.type), JSON.stringify(event), { msgID: event.id }),
      );
    }
    await sleep(2);
  }
  await Promise.all(inFlight);
  return sent;
}

async function metricsOf(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (pattern) =>
    text
      .split('\n')
      .filter((line) => pattern.test(line))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  return {
    connections: value(/^gateway_push_connections\{transport="ws"\}/),
    dropped: value(/^gateway_push_dropped_total/),
  };
}

async function run(name) {
  const env = scratchEnvironment(name, { OUTBOX_RELAY_ENABLED: 'false', JWT_SECRET: SECRET });
  const { execFileSync } = await import('node:child_process');
  execFileSync(process.execPath, [join(BIN, 'migrate.js'), 'run'], { env, stdio: 'ignore' });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const gateway = spawnNode(GATEWAY_ENTRY, [], {
    ...env,
    GATEWAY_PORT: String(port),
    GATEWAY_UPSTREAMS: 'http://127.0.0.1:9',
    GATEWAY_LIMIT_API_PER_IP: '1000000/60',
  });
  const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: env.REDIS_KEY_PREFIX });
  const nats = await connect({ servers: (env.NATS_URL ?? 'nats://127.0.0.1:4222').split(',') });
  let driver;
  let sockets = [];
  try {
    await waitReady(url);
    const players = Array.from({ length: PLAYERS }, () => ({
      userId: randomUUID(),
      sessionId: randomUUID(),
      closed: 0,
    }));
    const pipeline = redis.pipeline();
    for (const player of players) {
      pipeline.hset(sessionRecordKey(player.sessionId), { userId: player.userId, roles: 'player' });
      player.token = sign({ roles: ['player'], sid: player.sessionId }, SECRET, {
        algorithm: 'HS256',
        subject: player.userId,
        issuer: 'casino-nest-app',
        audience: 'casino-api',
        expiresIn: 900,
      });
    }
    await pipeline.exec();
    const idsFile = join(tmpdir(), `${name}-players.txt`);
    writeFileSync(idsFile, players.map((player) => player.userId).join('\n'));
    driver = spawnNode(
      join(ROOT, 'bench', 'lib', 'push-wallet-driver.mjs'),
      [idsFile, String(RATE), String(SECONDS)],
      env,
    );
    await driver.waitFor(/ready \d+/, 180_000);
    const wallets = new Map(
      psql('SELECT user_id, id FROM wallets', name)
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('|')),
    );

    const latencies = [];
    sockets = await connectPlayers(url, players, (ms) => latencies.push(ms));
    const connectedAt = await metricsOf(url);
    // Warm-up, not counted: the gateway's first pushes run before its code is optimised.
    await publishDirect(nats, name, players, wallets, 3);
    await sleep(1000);
    const phases = [await phase('gateway', gateway.pid, latencies, () => publishDirect(nats, name, players, wallets))];
    let done = 0;
    for (const interval of RELAY_INTERVALS) {
      const relay = spawnNode(join(BIN, 'outbox-relay.js'), [], {
        ...env,
        LOG_LEVEL: 'info',
        OUTBOX_RELAY_INTERVAL_MS: String(interval),
      });
      try {
        await relay.waitFor(/outbox relay running/);
        await sleep(1000);
        const figures = await phase(`walletCommit, relay interval ${interval} ms`, gateway.pid, latencies, async () => {
          done += 1;
          writeFileSync(`${idsFile}.go${done}`, '');
          await driver.waitFor(new RegExp(`(done \\d+ \\d+[\\s\\S]*){${done}}`), SECONDS * 1000 + 60_000);
          return Number([...driver.output().matchAll(/done (\d+)/g)].at(-1)?.[1]);
        });
        phases.push({ ...figures, relayIntervalMs: interval });
      } finally {
        await relay.stop();
      }
    }
    const closedDuringRun = players.reduce((sum, player) => sum + player.closed, 0);
    return {
      connectedAt,
      closedDuringRun,
      peakRssMbGateway: gateway.peakRssMb(),
      phases,
      afterRun: await metricsOf(url),
    };
  } finally {
    for (const socket of sockets) socket.terminate();
    await driver?.stop();
    await gateway.stop();
    redis.disconnect();
    await nats.close();
  }
}

const before = loadavg()[0];
const figures = await withScratchDatabase(`bench_push_${stamp}`, run);
const results = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version, loadAverageBefore: before, loadAverageAfter: loadavg()[0] },
  method:
    'one gateway process (dist/main.js) with BENCH_PLAYERS WebSockets on /ws from this script (token as subprotocol, ' +
    'sessions in Redis as nest-app writes them); latency = client receive time − event occurredAt. Phase gateway: ' +
    'events published to JetStream by this script (NATS → gateway → socket). Phases walletCommit: real deposits ' +
    'committed by WalletService in a nest-app context (bench/lib/push-wallet-driver.mjs), published by the outbox ' +
    'relay process at the stated OUTBOX_RELAY_INTERVAL_MS (wallet commit → relay → NATS → gateway → socket). ' +
    'gatewayCores: CPU of this run’s gateway process (cores, from /proc/<pid>/stat); cpuShares: the machine’s by ' +
    'process group, which also counts other processes of the same kind on the machine (machineBusy near 1: the ' +
    'figures include waiting for a CPU).',
  players: PLAYERS,
  ratePerSecond: RATE,
  seconds: SECONDS,
  target: { p99Ms: 100, players: 1000 },
  ...figures,
};
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
if (process.env.BENCH_NO_WRITE !== '1') {
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', `gateway-push-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
}
