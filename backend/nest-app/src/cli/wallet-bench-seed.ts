import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { createNestApp } from '../bootstrap';
import { loadAppConfig } from '../config/load-app-config';
import { CatalogSyncService } from '../modules/game/catalog/catalog-sync.service';
import { GameSessionsService } from '../modules/game/sessions/game-sessions.service';
import { seedEligiblePlayer } from '../modules/user/eligibility/seed-eligible-player';
import { KycService } from '../modules/user/kyc/kyc.service';
import { UsersService } from '../modules/user/users.service';
import { WalletService } from '../modules/wallet/wallet.service';

/**
 * Players for the HTTP wallet benchmark (`bench/wallet-bench.mjs`, Hub88 method), made the way real ones
 * are: registered through the user module (and made eligible for real money there), a wallet opened and funded through the wallet module, and a
 * real-money game launched through the game module (its session token goes to the Hub88 Games API that
 * the benchmark stands in for, which is where the load generator learns it). HUB88_* settings name the
 * stand-in and its keys. With `--payment-players N` (the chaos campaign), N more players who only pay: eligible, KYC
 * verified by a compliance decision (withdrawals need it), funded, signed in later by their email code. Prints one
 * JSON line: `{"seeded":{"gameCode":…,"userIds":[…],"paymentPlayers":[{"userId":…,"email":…}]}}`.
 *
 *   node dist/cli/wallet-bench-seed.js --players 1000 [--payment-players 40]
 */
const STARTING_CASH = 1_000_000_000n;
const PARALLEL = 16;
const ORIGIN = { ip: '203.0.113.10', userAgent: 'wallet-bench' };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { players: { type: 'string', default: '1000' }, 'payment-players': { type: 'string', default: '0' } },
  });
  const config = loadAppConfig({ LOG_LEVEL: 'warn' });
  const app = await createNestApp(config);
  await app.init();
  try {
    await app.get(CatalogSyncService).syncAll();
    const games = (await app
      .get(DataSource)
      .query(`SELECT g.id, g.game_code FROM games g ORDER BY g.game_code LIMIT 1`)) as {
      id: string;
      game_code: string;
    }[];
    const game = games[0];
    if (!game) throw new Error('the catalog sync found no game');
    const userIds: string[] = [];
    const count = Number(values.players);
    for (let start = 0; start < count; start += PARALLEL) {
      const chunk = Array.from({ length: Math.min(PARALLEL, count - start) }, () => seedPlayer(app, game.id));
      userIds.push(...(await Promise.all(chunk)));
    }
    const paymentPlayers: { userId: string; email: string }[] = [];
    const payers = Number(values['payment-players']);
    for (let start = 0; start < payers; start += PARALLEL) {
      const chunk = Array.from({ length: Math.min(PARALLEL, payers - start) }, () => seedPaymentPlayer(app));
      paymentPlayers.push(...(await Promise.all(chunk)));
    }
    process.stdout.write(`${JSON.stringify({ seeded: { gameCode: game.game_code, userIds, paymentPlayers } })}\n`);
  } finally {
    await app.close();
  }
}

async function seedPaymentPlayer(
  app: Awaited<ReturnType<typeof createNestApp>>,
): Promise<{ userId: string; email: string }> {
  const email = `chaos-pay-${randomUUID()}@example.test`;
  const { account } = await app.get(UsersService).findOrRegisterByEmail(email, ORIGIN);
  await seedEligiblePlayer(app, account.id, 'bench');
  const kyc = app.get(KycService);
  await kyc.startCheck(account.id, 'basic');
  const officer = { userId: randomUUID(), roles: ['compliance' as const], sessionId: 'wallet-bench-seed' };
  const origin = { ...ORIGIN, requestId: 'wallet-bench-seed' };
  await kyc.decide(officer, account.id, { status: 'verified', level: 'basic', reason: 'bench seed' }, origin);
  const wallets = app.get(WalletService);
  await wallets.openWallet(account.id, 'EUR');
  await wallets.deposit({
    idempotency: { scope: 'bench', key: `deposit-${account.id}` },
    wallet: { userId: account.id },
    currency: 'EUR',
    amount: STARTING_CASH,
    provider: 'benchpsp',
  });
  return { userId: account.id, email };
}

async function seedPlayer(app: Awaited<ReturnType<typeof createNestApp>>, gameId: string): Promise<string> {
  const { account } = await app.get(UsersService).findOrRegisterByEmail(`bench-${randomUUID()}@example.test`, ORIGIN);
  await seedEligiblePlayer(app, account.id, 'bench');
  const wallets = app.get(WalletService);
  await wallets.openWallet(account.id, 'EUR');
  await wallets.deposit({
    idempotency: { scope: 'bench', key: `deposit-${account.id}` },
    wallet: { userId: account.id },
    currency: 'EUR',
    amount: STARTING_CASH,
    provider: 'benchpsp',
  });
  await app.get(GameSessionsService).launch({
    gameId,
    mode: 'real',
    platform: 'desktop',
    language: 'en',
    userId: account.id,
    ip: ORIGIN.ip,
  });
  return account.id;
}

main().catch((error: unknown) => {
  process.stderr.write(`wallet-bench-seed failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
