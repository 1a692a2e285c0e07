import { eventually } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OutboxRelay } from '../src/infra/outbox/outbox.relay';
import { createTestEnvironment, type TestEnvironment } from './support/test-environment';
import { startTestApp } from './support/test-app';
import {
  committedTransactions,
  expectInvariants,
  pendingOutboxRows,
  QUIET_WALLET_SETTINGS,
  readStream,
  walletKit,
  type WalletKit,
} from './wallet-test-kit';

/** The compiled load driver (npm test builds before Jest runs). */
const LOAD_SCRIPT = join(__dirname, '..', 'dist', 'cli', 'wallet-load.js');

describe('wallet after a crash (integration)', () => {
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let kit: WalletKit;

  beforeAll(async () => {
    environment = await createTestEnvironment('walletcrash', QUIET_WALLET_SETTINGS);
    app = await startTestApp(environment.config);
    kit = walletKit(app);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  it('keeps every invariant and publishes each committed event exactly once after SIGKILL mid-load', async () => {
    expect(existsSync(LOAD_SCRIPT)).toBe(true);
    // The child runs the real app with its relay on, so some events are in flight when it dies.
    const child = spawn(
      process.execPath,
      [LOAD_SCRIPT, '--wallets', '20', '--clients', '16', '--seconds', '60', '--progress'],
      {
        env: {
          ...process.env,
          ...environment.overrides,
          OUTBOX_RELAY_ENABLED: 'true',
          OUTBOX_RELAY_INTERVAL_MS: '20',
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    await eventually(async () => /"progress":[1-9]\d{2,}/.test(output), 30_000, 50);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(output).not.toContain('"result"');

    await expectInvariants(kit);
    const committed = await committedTransactions(kit.dataSource);
    expect(committed.length).toBeGreaterThan(100);

    const relay = app.get(OutboxRelay);
    relay.start();
    try {
      await eventually(async () => (await pendingOutboxRows(kit.dataSource)) === 0, 30_000);
    } finally {
      await relay.stop();
    }
    const events = (await readStream(environment.config, 'wallet')).filter(
      (event) => event.type === 'wallet.transaction.completed',
    );
    const ids = events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(committed.map((row) => row.event_id).sort());
    await expectInvariants(kit);
  }, 120_000);
});
