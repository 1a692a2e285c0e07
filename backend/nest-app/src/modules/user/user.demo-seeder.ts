import type { INestApplicationContext } from '@nestjs/common';
import type { DemoSeeder } from '../../cli/demo-seeder';
import { seedEligiblePlayer } from './eligibility/seed-eligible-player';
import { UsersService } from './users.service';

export const DEMO_PLAYERS = ['alice@example.test', 'bob@example.test', 'charlie@example.test'] as const;

/**
 * Demo players, registered through UsersService (so each gets its `user.registered` event once), and eligible for
 * real money (current terms accepted, an adult birth date, age verification recorded as `seed:demo`).
 */
export const userDemoSeeder: DemoSeeder = {
  name: 'users',
  async seed(app: INestApplicationContext): Promise<string> {
    const users = app.get(UsersService);
    const origin = { ip: '127.0.0.1', userAgent: 'demo-seeder' };
    let created = 0;
    for (const email of DEMO_PLAYERS) {
      const { account, created: isNew } = await users.findOrRegisterByEmail(email, origin);
      await seedEligiblePlayer(app, account.id, 'demo');
      if (isNew) created += 1;
    }
    return `${created} demo player(s) created, ${DEMO_PLAYERS.length - created} already there (${DEMO_PLAYERS.join(', ')})`;
  },
};
