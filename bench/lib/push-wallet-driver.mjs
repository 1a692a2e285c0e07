/* global process, setInterval, setTimeout */
// The wallet side of `npm run bench:gateway`: a nest-app context (dist, no HTTP) whose WalletService commits real
// ledger transactions for the bench's players, at a set rate; the outbox relay (its own process) publishes them.
//   node bench/lib/push-wallet-driver.mjs <file of user ids, one a line> <deposits per second> <seconds>
// Prints `ready <wallets>` once the wallets are open; the file `<ids file>.go<n>` appearing starts the n-th timed load
// (n = 1, 2...; a signal would not do: Nest's shutdown hooks take SIGUSR2), which prints `done <deposits> <refused>`;
// SIGTERM ends it.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './bench-support.mjs';

const require = createRequire(import.meta.url);
const DIST = join(ROOT, 'backend', 'nest-app', 'dist');
require('reflect-metadata');
const { createNestApp } = require(join(DIST, 'bootstrap.js'));
const { loadAppConfig } = require(join(DIST, 'config', 'load-app-config.js'));
const { WalletService } = require(join(DIST, 'modules', 'wallet', 'wallet.service.js'));

const userIds = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
const app = await createNestApp(loadAppConfig({ LOG_LEVEL: 'warn' }));
await app.init();
const wallets = app.get(WalletService);
const walletIds = [];
for (let start = 0; start < userIds.length; start += 50) {
  const chunk = userIds
    .slice(start, start + 50)
    .map(async (userId) => (await wallets.openWallet(userId, 'EUR')).walletId);
  walletIds.push(...(await Promise.all(chunk)));
}
process.stdout.write(`ready ${walletIds.length}\n`);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `rate` deposits a second for `seconds`, round robin over the wallets, each awaited on its own (open loop). */
async function drive(rate, seconds) {
  let sent = 0;
  let refused = 0;
  const inFlight = new Set();
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; sent < due; sent += 1) {
      const walletId = walletIds[sent % walletIds.length];
      const deposit = wallets
        .deposit({
          wallet: { walletId },
          currency: 'EUR',
          amount: 100n + BigInt(sent % 100),
          provider: 'benchpsp',
          idempotency: { scope: 'bench', key: randomUUID() },
        })
        .catch((error) => {
          if (refused++ === 0) process.stderr.write(`first refused deposit: ${error.message}\n`);
        })
        .finally(() => inFlight.delete(deposit));
      inFlight.add(deposit);
    }
    await sleep(2);
  }
  await Promise.all(inFlight);
  return { sent, refused };
}

const [rate, seconds] = [Number(process.argv[3]), Number(process.argv[4])];
let loads = 0;
let running = false;
setInterval(async () => {
  if (running || !existsSync(`${process.argv[2]}.go${loads + 1}`)) return;
  running = true;
  loads += 1;
  const { sent, refused } = await drive(rate, seconds);
  process.stdout.write(`done ${sent} ${refused}\n`);
  running = false;
}, 5);
