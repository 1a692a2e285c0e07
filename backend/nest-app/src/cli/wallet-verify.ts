import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/load-app-config';
import { typeOrmOptions } from '../infra/database/typeorm-options';
import { WalletVerifier } from '../modules/wallet/wallet.verifier';

/** `npm run wallet:verify`: exits 0 when every ledger invariant holds, 1 naming the first violation. */
async function main(): Promise<number> {
  const config = loadAppConfig({ LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '1' });
  const dataSource = await new DataSource(typeOrmOptions(config)).initialize();
  try {
    const result = await new WalletVerifier(dataSource).verify();
    for (const name of result.checked) process.stdout.write(`ok   ${name}\n`);
    if (result.ok) {
      process.stdout.write('wallet:verify: every invariant holds\n');
      return 0;
    }
    process.stdout.write(`FAIL ${result.violation.check}: ${JSON.stringify(result.violation.row)}\n`);
    return 1;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`wallet:verify failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
