import type { INestApplicationContext } from '@nestjs/common';
import type { DemoSeeder } from '../../cli/demo-seeder';
import { AppConfig } from '../../config/app-config';
import { DEMO_PLAYERS } from '../user/user.demo-seeder';
import { UserDirectory } from '../user/user-directory';
import { WalletService } from './wallet.service';

const DEMO_CURRENCY = 'EUR';
/** EUR 100.00 cash and EUR 10.00 bonus per demo player. */
const STARTING_BALANCES = [
  { balance: 'cash', amount: 10_000n },
  { balance: 'bonus', amount: 1_000n },
] as const;

/**
 * Gives each demo player a wallet with a starting balance, as an audited staff adjustment by the
 * admin account (there is no payment behind it, so it must not look like a deposit).
 * Idempotent: the adjustments' keys are fixed per player.
 */
export const walletDemoSeeder: DemoSeeder = {
  name: 'wallets',
  async seed(app: INestApplicationContext): Promise<string> {
    const directory = app.get(UserDirectory);
    const wallets = app.get(WalletService);
    const admin = await directory.ensureAdmin(app.get(AppConfig).ADMIN_EMAIL);
    const actor = { userId: admin.id, roles: admin.roles, requestId: 'demo-seeder' };
    let credited = 0;
    for (const email of DEMO_PLAYERS) {
      const { account } = await directory.findOrRegisterByEmail(email, { ip: '127.0.0.1', userAgent: 'demo-seeder' });
      await wallets.openWallet(account.id, DEMO_CURRENCY);
      for (const { balance, amount } of STARTING_BALANCES) {
        const result = await wallets.adjust({
          idempotency: { scope: 'demo-seeder', key: `${balance}:${account.id}` },
          wallet: { userId: account.id },
          currency: DEMO_CURRENCY,
          amount,
          balance,
          reason: 'Demo starting balance',
          actor,
        });
        if (!result.replayed) credited += 1;
      }
    }
    return `${credited} starting balance(s) credited (EUR 100.00 cash + EUR 10.00 bonus per demo player)`;
  },
};
