import { eventually } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import {
  committedTransactions,
  pendingOutboxRows,
  QUIET_WALLET_SETTINGS,
  readStream,
  walletKit,
  type WalletKit,
} from './wallet-test-kit';

/** The compiled relay process (npm test builds before Jest runs), as production runs it (docs/operations.md). */
const RELAY_SCRIPT = join(__dirname, '..', 'dist', 'cli', 'outbox-relay.js');

describe('outbox relay as its own process (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;

  beforeAll(async () => {
    // The API side runs with its relay off, as API instances do in production.
    environment = await createTestEnvironment('walletrelayproc', QUIET_WALLET_SETTINGS);
    app = await startTestApp(environment.config);
    kit = walletKit(app);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  it('publishes what the API committed, each event once and in wallet order, and stops cleanly on SIGTERM', async () => {
    expect(existsSync(RELAY_SCRIPT)).toBe(true);
    const funded = await Promise.all(Array.from({ length: 5 }, () => kit.funded(1_000n)));
    for (const { walletId } of funded) {
      for (let bet = 0; bet < 4; bet += 1) {
        await kit.wallets.placeBet({
          wallet: { walletId },
          currency: 'EUR',
          amount: 10n,
          provider: 'hub88',
          idempotency: kit.key(),
        });
      }
    }
    // 5 deposits and 20 bets at least (the app may have written events of its own at start).
    expect(await pendingOutboxRows(kit.dataSource)).toBeGreaterThanOrEqual(25);

    // OUTBOX_RELAY_ENABLED=false in its environment too: that setting is for API instances only.
    const relay = spawn(process.execPath, [RELAY_SCRIPT], {
      env: { ...process.env, ...environment.overrides, OUTBOX_RELAY_INTERVAL_MS: '20', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    relay.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    relay.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<string>((resolve) =>
      relay.once('exit', (code, signal) => resolve(code === null ? String(signal) : `exit ${code}`)),
    );
    try {
      await eventually(async () => (await pendingOutboxRows(kit.dataSource)) === 0, 30_000);
    } finally {
      relay.kill('SIGTERM');
    }
    // Nest's shutdown hook closes the app (the relay finishes its pass) and then re-raises the signal.
    expect(await exited).toMatch(/^(SIGTERM|exit 0)$/);

    const committed = await committedTransactions(kit.dataSource);
    const published = (await readStream(environment.config, 'wallet')).filter(
      (event) => event.type === 'wallet.transaction.completed',
    );
    expect(published.map((event) => event.id).sort()).toEqual(committed.map((row) => row.event_id).sort());
    for (const { walletId } of funded) {
      const cash = published
        .filter((event) => event.aggregateId === walletId)
        .map((event) => (event.payload as { balanceAfter: { cash: string } }).balanceAfter.cash);
      expect(cash).toEqual(['1000', '990', '980', '970', '960']);
    }
    expect(output).not.toMatch(/"level":(50|60)/);
  }, 60_000);
});
