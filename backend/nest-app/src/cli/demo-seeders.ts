import { bonusDemoSeeder } from '../modules/bonus/demo/bonus.demo-seeder';
import { demoProviderSeeder } from '../modules/game/demo/demo-provider.seeder';
import { gameHistoryDemoSeeder } from '../modules/game/demo/game-history.demo-seeder';
import { userDemoSeeder } from '../modules/user/user.demo-seeder';
import { walletDemoSeeder } from '../modules/wallet/wallet.demo-seeder';
import type { DemoSeeder } from './demo-seeder';

/** Each module adds its seeder here as it arrives (players, providers, games...). Order matters. */
export const DEMO_SEEDERS: DemoSeeder[] = [
  userDemoSeeder,
  walletDemoSeeder,
  bonusDemoSeeder,
  demoProviderSeeder,
  gameHistoryDemoSeeder,
];
