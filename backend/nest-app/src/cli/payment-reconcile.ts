import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { createNestApp } from '../bootstrap';
import { loadAppConfig } from '../config/load-app-config';
import { PaymentReconciliation } from '../modules/payment/reconciliation/payment-reconciliation.service';

/**
 * `npm run payment:reconcile`: one reconciliation run now, as the scheduler runs it (sweep: abandoned deposits
 * expired, lost creations looked up, open intents followed at their PSP, owed settlements and payouts retried; then
 * every intent compared with the wallet and with its PSP's own records). Each mismatch is also recorded as a
 * `reconciliation.mismatch` event, as a scheduled run does. `--grace-seconds N` (default 300): intents changed more
 * recently are left out; 0 when nothing is in flight (the chaos campaign pauses its load first). Prints one JSON
 * line (intents checked, follows by outcome, mismatches); exits 0 without a mismatch, 1 with one, 2 when it
 * could not run, or when another process held the run.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'grace-seconds': { type: 'string', default: '300' } } });
  const graceSeconds = Number(values['grace-seconds']);
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0) throw new Error('--grace-seconds takes an integer >= 0');
  // This process runs the one reconciliation asked for: no scheduled run, expiry or relay of its own. The pool keeps
  // its default size: the job lock holds a connection for the whole run, and each settlement holds its intent's
  // transaction while the wallet takes another.
  const config = loadAppConfig({
    LOG_LEVEL: 'warn',
    OUTBOX_RELAY_ENABLED: 'false',
    PAYMENT_RECONCILIATION_INTERVAL_SECONDS: '0',
    PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS: '0',
    PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS: '0',
  });
  const app = await createNestApp(config);
  await app.init();
  try {
    const reconciliation = app.get(PaymentReconciliation);
    const report = await reconciliation.runExclusive({ graceSeconds });
    if (!report) {
      process.stdout.write(`${JSON.stringify({ skipped: 'another reconciliation run holds the lock' })}\n`);
      return 2;
    }
    const followed: Record<string, number> = {};
    for (const intent of report.followed) followed[intent.outcome] = (followed[intent.outcome] ?? 0) + 1;
    const summary = { checkedIntents: report.checkedIntents, followed, mismatches: report.mismatches };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return report.mismatches.length === 0 ? 0 : 1;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`payment:reconcile failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
