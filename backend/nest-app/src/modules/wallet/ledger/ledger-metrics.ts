import { counterOf } from '@casino/platform';
import type { CommandOutcome } from './ledger-state-machine';
import type { TransactionWrite } from './ledger-state';

const batches = counterOf(
  'casino_ledger_single_statement_batches_total',
  'Ledger batches by how the single-statement path went: committed, aborted (run again under lock), or not tried',
  ['outcome'],
);

const transactions = counterOf(
  'wallet_transactions_total',
  'Committed ledger transactions (replays not counted), by type and currency',
  ['type', 'currency'],
);

/*
 * A float64 counter: exact up to 2^53 minor units, then rounded. For trends and alerts only; the ledger
 * (`npm run wallet:verify`, the reports) is the source of truth for any sum of money.
 */
const amounts = counterOf(
  'wallet_transaction_amount_minor_total',
  'Amounts of committed ledger transactions in minor units (absolute value; trends only, the ledger is the truth), by type and currency',
  ['type', 'currency'],
);

const refusals = counterOf(
  'wallet_command_refusals_total',
  'Ledger commands refused (insufficient funds, a reused idempotency key, a closed wallet...), by type and error code',
  ['type', 'code'],
);

export type SingleStatementOutcome = 'committed' | 'aborted' | 'not_tried';

export function countSingleStatement(outcome: SingleStatementOutcome): void {
  batches.inc({ outcome });
}

/**
 * Called once a batch committed, with the commands it held in order. Never throws: the batch is committed, and a
 * throw here would send it through the engine's one-by-one rerun.
 */
export function countCommitted(types: string[], outcomes: CommandOutcome[]): void {
  try {
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) {
        if (outcome.write) countTransaction(outcome.write);
      } else refusals.inc({ type: types[index] ?? 'unknown', code: outcome.error.code });
    });
  } catch {
    // A metric is never worth a money path's error.
  }
}

function countTransaction(write: TransactionWrite): void {
  const labels = { type: write.type, currency: write.currency };
  transactions.inc(labels);
  const amount = write.amount < 0n ? -write.amount : write.amount;
  if (amount > 0n) amounts.inc(labels, Number(amount));
}
