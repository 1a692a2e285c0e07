import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createNestApp } from '../bootstrap';
import { loadAppConfig } from '../config/load-app-config';
import { WalletService } from '../modules/wallet/wallet.service';

/**
 * A load on the wallet's command API, in process (the game provider HTTP API does not exist yet):
 * `clients` concurrent loops, each a game round after another: a bet, then its win. Used by
 * `npm run bench:wallet` and by the crash test, which kills it with SIGKILL half-way.
 *
 *   node dist/cli/wallet-load.js --wallets 1000 --clients 32 --seconds 15 [--hot]
 *
 * Prints one JSON line of figures when done; with `--progress` also a line per second.
 */
interface LoadOptions {
  wallets: number;
  clients: number;
  seconds: number;
  hot: boolean;
  progress: boolean;
}

interface Figures {
  transactions: number;
  refused: number;
  seconds: number;
  transactionsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  peakRssMb: number;
}

const STARTING_CASH = 1_000_000_000n;

function options(): LoadOptions {
  const { values } = parseArgs({
    options: {
      wallets: { type: 'string', default: '1000' },
      clients: { type: 'string', default: '32' },
      seconds: { type: 'string', default: '15' },
      hot: { type: 'boolean', default: false },
      progress: { type: 'boolean', default: false },
    },
  });
  return {
    wallets: Number(values.wallets),
    clients: Number(values.clients),
    seconds: Number(values.seconds),
    hot: values.hot === true,
    progress: values.progress === true,
  };
}

async function openWallets(wallets: WalletService, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 64) {
    const chunk = Array.from({ length: Math.min(64, count - start) }, async () => {
      const { walletId } = await wallets.openWallet(randomUUID(), 'EUR');
      const key = { scope: 'load', key: randomUUID() };
      await wallets.deposit({
        wallet: { walletId },
        currency: 'EUR',
        amount: STARTING_CASH,
        provider: 'loadpsp',
        idempotency: key,
      });
      return walletId;
    });
    ids.push(...(await Promise.all(chunk)));
  }
  return ids;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

async function run(wallets: WalletService, walletIds: string[], settings: LoadOptions): Promise<Figures> {
  const latencies: number[] = [];
  let refused = 0;
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  const deadline = started + settings.seconds * 1000;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (settings.progress) process.stdout.write(`${JSON.stringify({ progress: latencies.length })}\n`);
  }, 1000);
  const timed = async (call: () => Promise<unknown>): Promise<void> => {
    const begin = performance.now();
    try {
      await call();
      latencies.push(performance.now() - begin);
    } catch {
      refused += 1;
    }
  };
  const client = async (index: number): Promise<void> => {
    const walletId = walletIds[settings.hot ? 0 : index % walletIds.length] ?? '';
    const base = { wallet: { walletId }, currency: 'EUR', provider: 'loadgame' };
    for (let next = index; performance.now() < deadline; next += settings.clients) {
      const wallet = settings.hot ? walletId : (walletIds[next % walletIds.length] ?? walletId);
      const bet = { ...base, wallet: { walletId: wallet } };
      await timed(() => wallets.placeBet({ ...bet, amount: 100n, idempotency: { scope: 'load', key: randomUUID() } }));
      await timed(() => wallets.settleWin({ ...bet, amount: 50n, idempotency: { scope: 'load', key: randomUUID() } }));
    }
  };
  await Promise.all(Array.from({ length: settings.clients }, (_, index) => client(index)));
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (value: number): number => Math.round(value * 100) / 100;
  return {
    transactions: latencies.length,
    refused,
    seconds: round(seconds),
    transactionsPerSecond: round(latencies.length / seconds),
    latencyMs: {
      p50: round(percentile(sorted, 0.5)),
      p95: round(percentile(sorted, 0.95)),
      p99: round(percentile(sorted, 0.99)),
      max: round(sorted[sorted.length - 1] ?? 0),
    },
    peakRssMb: Math.round(peakRss / 1024 / 1024),
  };
}

async function main(): Promise<void> {
  const settings = options();
  const config = loadAppConfig({ LOG_LEVEL: 'warn' });
  const app = await createNestApp(config);
  await app.init();
  try {
    const wallets = app.get(WalletService);
    const walletIds = await openWallets(wallets, settings.hot ? 1 : settings.wallets);
    if (settings.progress) process.stdout.write(`${JSON.stringify({ ready: walletIds.length })}\n`);
    const figures = await run(wallets, walletIds, settings);
    process.stdout.write(`${JSON.stringify({ result: figures })}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`wallet-load failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
