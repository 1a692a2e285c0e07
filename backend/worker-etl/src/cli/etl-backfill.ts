import 'reflect-metadata';
import { backfillFacts, summaryOf } from '../backfill/backfill-facts';
import { parseBackfillRange, type BackfillRange } from '../backfill/backfill-range';
import { loadEtlBackfillConfig, type EtlBackfillConfig } from '../config/etl-backfill-config';

/**
 * `npm run etl:backfill -- --from YYYY-MM-DD --to YYYY-MM-DD`. Exits 0 with the summary, 1 when the arguments or
 * settings are wrong (nothing was read), 2 when the backfill failed part-way (what it loaded stays: run it again).
 */
async function main(): Promise<number> {
  let range: BackfillRange;
  let config: EtlBackfillConfig;
  try {
    range = parseBackfillRange(process.argv.slice(2));
    config = loadEtlBackfillConfig();
  } catch (error) {
    process.stderr.write(`etl:backfill: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    process.stdout.write(summaryOf(range, await backfillFacts(config, range)));
    return 0;
  } catch (error) {
    process.stderr.write(`etl:backfill failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

main().then(
  (code) => process.exit(code),
  () => process.exit(2),
);
