import type { INestApplicationContext } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoSeeder } from '../../../cli/demo-seeder';
import { AppConfig } from '../../../config/app-config';
import { GamesRepository } from '../catalog/games.repository';
import type { ProviderGame } from '../catalog/game.types';
import type { ProviderCredentials } from '../providers/provider.types';
import { ProvidersService } from '../providers/providers.service';

export const DEMO_PROVIDER_CODE = 'demo';

/** The same file names as backend/demo-provider/src/keys.ts: whichever starts first creates the pairs. */
const KEY_PAIRS = [
  ['provider-private.pem', 'provider-public.pem'],
  ['operator-private.pem', 'operator-public.pem'],
] as const;

/** The demo provider's games, so the catalog has them even before its first sync. */
const DEMO_GAMES: ProviderGame[] = [
  ['demo_lucky_sevens', 'Lucky Sevens (demo)', 'slots', '96.20', 'medium', true],
  ['demo_dragon_gold', 'Dragon Gold (demo)', 'slots', '95.80', 'very_high', true],
  ['demo_fruit_burst', 'Fruit Burst (demo)', 'slots', '97.00', 'low', true],
  ['demo_coin_flip', 'Coin Flip (demo)', 'table', '98.00', 'low', false],
].map(([gameCode, title, category, rtp, volatility, demo]) => ({
  gameCode: gameCode as string,
  title: title as string,
  category: category as string,
  rtp: rtp as string,
  volatility: volatility as ProviderGame['volatility'],
  features: [],
  thumbnailUrl: null,
  blockedCountries: [],
  demoAvailable: demo as boolean,
  enabled: true,
}));

function ensureKeys(dir: string): ProviderCredentials {
  mkdirSync(dir, { recursive: true });
  for (const [privateName, publicName] of KEY_PAIRS) {
    if (existsSync(join(dir, privateName)) && existsSync(join(dir, publicName))) continue;
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, privateName), pair.privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(dir, publicName), pair.publicKey.export({ type: 'spki', format: 'pem' }));
  }
  return {
    publicKeyPem: readFileSync(join(dir, 'provider-public.pem'), 'utf8'),
    operatorPrivateKeyPem: readFileSync(join(dir, 'operator-private.pem'), 'utf8'),
    operatorId: '1',
  };
}

/** Registers the demo game provider (backend/demo-provider, Hub88 protocol) with its games; idempotent. */
export const demoProviderSeeder: DemoSeeder = {
  name: 'game: demo provider',
  async seed(app: INestApplicationContext): Promise<string> {
    const config = app.get(AppConfig);
    const providers = app.get(ProvidersService);
    const credentials = ensureKeys(config.DEMO_PROVIDER_KEYS_DIR);
    const actor = { user: null, requestId: 'seed:demo-provider' };
    const existing = (await providers.list()).find((provider) => provider.code === DEMO_PROVIDER_CODE);
    const record = existing
      ? await providers.update(
          DEMO_PROVIDER_CODE,
          { apiBaseUrl: config.DEMO_PROVIDER_URL, credentials, status: 'active' },
          actor,
        )
      : await providers.create(
          {
            code: DEMO_PROVIDER_CODE,
            name: 'Demo provider',
            protocol: 'hub88',
            apiBaseUrl: config.DEMO_PROVIDER_URL,
            credentials,
          },
          actor,
        );
    const changed = await app.get(GamesRepository).upsertFromProvider(record.id, record.code, DEMO_GAMES);
    return `provider ${record.code} at ${config.DEMO_PROVIDER_URL}, ${DEMO_GAMES.length} games (${changed} new or changed)`;
  },
};
