import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../../../src/config/app-config';
import { SessionService } from '../../../src/modules/auth/sessions/session.service';
import { seedEligiblePlayer } from '../../../src/modules/user/eligibility/seed-eligible-player';
import { UsersService } from '../../../src/modules/user/users.service';
import { WalletService } from '../../../src/modules/wallet/wallet.service';
import { startClockedTestApp, type ClockedTestApp } from '../../support/test-app';

export type GameTestApp = ClockedTestApp;

/** nest-app with every real module and convention (raw body kept, as main.ts does), and a clock the test moves. */
export function startGameTestApp(config: AppConfig): Promise<GameTestApp> {
  return startClockedTestApp(config);
}

export interface TestPlayer {
  userId: string;
  headers: Record<string, string>;
}

/**
 * A registered player with a live session (the auth module's own SessionService) and a funded wallet; eligible for
 * real money (current terms, verified age) unless `eligible` is false.
 */
export async function newPlayer(
  app: NestFastifyApplication,
  label: string,
  depositMinor = 0n,
  currency = 'EUR',
  eligible = true,
): Promise<TestPlayer> {
  const email = `${label}-${Math.random().toString(16).slice(2, 10)}@example.test`;
  const { account } = await app
    .get(UsersService)
    .findOrRegisterByEmail(email, { ip: '203.0.113.7', userAgent: 'jest-game' });
  if (eligible) await seedEligiblePlayer(app, account.id, 'test');
  const { accessToken } = await app
    .get(SessionService)
    .start(account, 'email', { ip: '203.0.113.7', userAgent: 'jest-game' }, false);
  const wallets = app.get(WalletService);
  await wallets.openWallet(account.id, currency);
  if (depositMinor > 0n) {
    await wallets.deposit({
      idempotency: { scope: 'test', key: `deposit-${account.id}` },
      wallet: { userId: account.id },
      currency,
      amount: depositMinor,
      provider: 'test-psp',
    });
  }
  return { userId: account.id, headers: { authorization: `Bearer ${accessToken}` } };
}

/** Cash plus bonus of the player's wallet, minor units. */
export async function availableOf(app: NestFastifyApplication, userId: string, currency = 'EUR'): Promise<bigint> {
  const view = (await app.get(WalletService).walletsOfUser(userId)).find(
    (wallet) => wallet.balances.currency === currency,
  );
  return view?.balances.available ?? 0n;
}
