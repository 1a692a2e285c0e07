import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Verifier } from '@pact-foundation/pact';
import type { RequestHandler } from 'express';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createNestApp } from '../../src/bootstrap';
import { CatalogSyncService } from '../../src/modules/game/catalog/catalog-sync.service';
import { privateKeyFromPem, signHub88 } from '../../src/modules/game/hub88/hub88-signature';
import { WalletVerifier } from '../../src/modules/wallet/wallet.verifier';
import { FakeHub88 } from '../game/support/fake-hub88';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { GAME, WALLET_BASE_PATH, WALLET_PACT_FILE, WALLET_PROVIDER } from './support/hub88-wallet-contract';
import { PACTS_DIR } from './support/pact-files';
import { WalletStates } from './support/wallet-states';

/** Hub88's demo key pair (reference §3): the operator trusts its public key, the request filter signs with it. */
const VECTORS_DIR = join(__dirname, '../fixtures/hub88-signature-vectors');
const hub88Key = privateKeyFromPem(readFileSync(join(VECTORS_DIR, 'private.pem'), 'utf8'));
const foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

/**
 * Our Hub88 wallet verified as a Pact provider against the committed consumer pact
 * (test/fixtures/pacts/hub88-casino-operator-wallet.json): the real nest-app, listening on a free port
 * with its own test environment, the states made in its real database.
 */
describe('operator wallet: Pact provider verification of the Hub88 consumer pact', () => {
  const hub88 = new FakeHub88(); // Hub88's games API, for the launches that open the states' sessions
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let states: WalletStates;
  let baseUrl: string;

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: GAME, name: 'Dragon Rising', category: 'slots' }];
    environment = await createTestEnvironment('pact-wallet', {
      ...hub88.settings(),
      HUB88_PUBLIC_KEY_FILE: join(VECTORS_DIR, 'public.pem'),
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
    });
    app = await createNestApp(environment.config);
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await app.get(CatalogSyncService).syncAll();
    states = new WalletStates(app, hub88, hub88Key);
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
    await hub88.stop();
  });

  /**
   * Hub88 signs the exact bytes it sends (reference §3). Provider states change the body (the player's
   * id and token), so the filter signs the final bytes, and sends exactly those.
   */
  const signRequests: RequestHandler = (request, _response, next) => {
    if (request.path.startsWith(WALLET_BASE_PATH)) {
      const raw: Buffer = Buffer.isBuffer(request.body) ? request.body : Buffer.from(JSON.stringify(request.body));
      request.body = raw;
      request.headers['content-length'] = String(raw.length);
      request.headers['x-hub88-signature'] = signHub88(raw, states.signWithForeignKey ? foreignKey : hub88Key);
    }
    next();
  };

  it('honours every interaction', async () => {
    await new Verifier({
      provider: WALLET_PROVIDER,
      providerBaseUrl: baseUrl,
      pactUrls: [join(PACTS_DIR, WALLET_PACT_FILE)],
      stateHandlers: states.handlers(),
      requestFilter: signRequests,
      logLevel: 'warn',
    }).verifyProvider();
    expect(states.failures).toEqual([]);
  }, 120_000);

  it('leaves the ledger consistent (wallet:verify)', async () => {
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
    expect(hub88.unsignedCalls).toBe(0);
  });
});
