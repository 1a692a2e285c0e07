import { Counter, register } from 'prom-client';

const NAME = 'casino_ledger_single_statement_batches_total';

/** On the default registry, reused when it exists (several apps in one test process). */
const batches =
  (register.getSingleMetric(NAME) as Counter<'outcome'> | undefined) ??
  new Counter({
    name: NAME,
    help: 'Ledger batches by how the single-statement path went: committed, aborted (run again under lock), or not tried',
    labelNames: ['outcome'],
  });

export type SingleStatementOutcome = 'committed' | 'aborted' | 'not_tried';

export function countSingleStatement(outcome: SingleStatementOutcome): void {
  batches.inc({ outcome });
}
