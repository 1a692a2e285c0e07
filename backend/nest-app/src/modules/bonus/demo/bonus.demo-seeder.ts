import type { INestApplicationContext } from '@nestjs/common';
import type { DemoSeeder } from '../../../cli/demo-seeder';
import { AppConfig } from '../../../config/app-config';
import { DEMO_PLAYERS } from '../../user/user.demo-seeder';
import { UserDirectory } from '../../user/user-directory';
import { PlayerBonusGrants } from '../player-bonuses/player-bonus-grants.service';
import { BonusTemplatesService } from '../templates/bonus-templates.service';
import type { BonusTermsInput } from '../templates/bonus-template.types';

const ORIGIN = { ip: '127.0.0.1', userAgent: 'demo-seeder', requestId: 'demo-seeder' };

/**
 * The demo welcome offer: 100 % of the first deposit up to EUR 50, 10x wagering (the GB cap), slots 100 % and the
 * table game 10 %, max bet EUR 5 (the demo history's largest stake), at most EUR 100 to cash.
 */
const WELCOME: BonusTermsInput = {
  name: 'Welcome 100% up to EUR 50 (demo)',
  kind: 'deposit_match',
  productTypes: ['casino'],
  currency: 'EUR',
  matchPercent: 100,
  maxBonus: 5_000n,
  minDeposit: 1_000n,
  wageringMultiplier: 10,
  gameWeights: { slots: 100, table: 10 },
  defaultWeight: 0,
  maxBet: 500n,
  validityDays: 30,
  maxConversion: 10_000n,
  eligibleCountries: [],
  optIn: false,
};
/** The deposit alice's welcome bonus matches (EUR 50). */
const ALICE_DEPOSIT = 5_000n;

/**
 * The welcome offer's template, and alice's deposit-match bonus, so that the player and back-office screens show an
 * active bonus whose wagering the demo history then advances (this seeder runs before it). There is no deposit
 * behind it (seeding runs no PSP, and alice's cash is the wallet seeder's adjustment): the bonus goes through the
 * deposit-match grant with a demo payment id (grant key `deposit:demo-seed:<user id>`), so it is granted once, and
 * never again once alice's welcome bonus has ended. Idempotent.
 */
export const bonusDemoSeeder: DemoSeeder = {
  name: 'bonus: welcome offer',
  async seed(app: INestApplicationContext): Promise<string> {
    const directory = app.get(UserDirectory);
    const templates = app.get(BonusTemplatesService);
    const admin = await directory.ensureAdmin(app.get(AppConfig).ADMIN_EMAIL);
    let template = (await templates.list()).find((candidate) => candidate.name === WELCOME.name);
    if (!template) {
      const user = { userId: admin.id, roles: admin.roles, sessionId: 'demo-seeder' };
      template = await templates.create({ user, origin: ORIGIN }, WELCOME);
    }
    const { account } = await directory.findOrRegisterByEmail(DEMO_PLAYERS[0], ORIGIN);
    const bonus = await app.get(PlayerBonusGrants).grantDepositMatch({
      intentId: `demo-seed:${account.id}`,
      userId: account.id,
      amount: ALICE_DEPOSIT,
      currency: WELCOME.currency,
    });
    const alice = bonus
      ? `${DEMO_PLAYERS[0]}: ${bonus.status} bonus of ${bonus.amount} cents, wagered ${bonus.wageringDone} of ${bonus.wageringRequired}`
      : `${DEMO_PLAYERS[0]}: no welcome bonus (already had one, or excluded)`;
    return `template "${template.name}"; ${alice}`;
  },
};
