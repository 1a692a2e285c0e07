import 'reflect-metadata';
import { createClient } from '@clickhouse/client';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/load-app-config';
import { clickHouseOptions } from '../infra/clickhouse/clickhouse-options';
import { typeOrmOptions } from '../infra/database/typeorm-options';
import { checkLedgerAgainstBonusFacts } from '../modules/report/verification/bonus-facts-check';
import {
  checkLedgerAgainstFacts,
  type DateRange,
  type FactsCheck,
} from '../modules/report/verification/ledger-facts-check';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `--from YYYY-MM-DD --to YYYY-MM-DD` (UTC days, inclusive); by default every day up to today. */
function rangeOf(args: string[]): DateRange {
  const value = (flag: string): string | undefined => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const range = { from: value('--from') ?? '2000-01-01', to: value('--to') ?? new Date().toISOString().slice(0, 10) };
  if (!DAY.test(range.from) || !DAY.test(range.to)) throw new Error('--from and --to take YYYY-MM-DD');
  return range;
}

/** Prints the check's outcome; true when it matched. */
function reported<TTotals>(what: string, result: FactsCheck<TTotals>): boolean {
  if (result.ok) {
    process.stdout.write(`etl:verify: ${result.compared} day × currency × type totals of ${what} equal the ledger's\n`);
    return true;
  }
  const { key, ledger, clickhouse: facts } = result.first;
  process.stdout.write(`FAIL ${what} ${key}: ledger ${JSON.stringify(ledger)} clickhouse ${JSON.stringify(facts)}\n`);
  return false;
}

/**
 * `npm run etl:verify`: per UTC day, currency and transaction type, ClickHouse's wallet_transactions and then its
 * bonus facts against the PostgreSQL ledger. Exits 0 when every figure matches, 1 naming the first difference, 2 when
 * it could not compare.
 */
async function main(): Promise<number> {
  const range = rangeOf(process.argv.slice(2));
  const config = loadAppConfig({ LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '1' });
  const dataSource = await new DataSource(typeOrmOptions(config)).initialize();
  const clickhouse = createClient(clickHouseOptions(config));
  try {
    if (!reported('wallet_transactions', await checkLedgerAgainstFacts(dataSource, clickhouse, range))) return 1;
    return reported('bonus_events', await checkLedgerAgainstBonusFacts(dataSource, clickhouse, range)) ? 0 : 1;
  } finally {
    await clickhouse.close();
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`etl:verify failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
