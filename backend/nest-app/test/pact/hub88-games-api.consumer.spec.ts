import { DomainError } from '@casino/contracts';
import { Logger } from '@nestjs/common';
import { Matchers, PactV4, type V3MockServer } from '@pact-foundation/pact';
import { generateKeyPairSync } from 'node:crypto';
import type { GameRecord } from '../../src/modules/game/catalog/game.types';
import { Hub88GamesApiClient } from '../../src/modules/game/hub88/hub88-games-api.client';
import type { LaunchRequest } from '../../src/modules/game/providers/games-api';
import type { ProviderRuntime } from '../../src/modules/game/providers/provider.types';
import { settled } from './support/mock-server';
import { PactOutput } from './support/pact-files';

/**
 * Our calls to Hub88's Operator Games API (issue 5; reference §3 "who signs what": signed with the
 * operator's key, HTTP 401 for a bad signature, errors as `{"error": "..."}` per §5), driven through the
 * real Hub88GamesApiClient against the Pact mock server.
 */
const CONSUMER = 'casino-operator';
const PROVIDER = 'hub88-games-api';
const PACT_FILE = `${CONSUMER}-${PROVIDER}.json`;
const OPERATOR_ID = 7;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const { atLeastLike, eachLike, integer, like, regex, boolean, decimal } = Matchers;

const operatorKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const SIGNED_JSON = {
  'Content-Type': 'application/json',
  'X-Hub88-Signature': regex(BASE64, 'c2lnbmVkIGJ5IHRoZSBvcGVyYXRvcidzIHByaXZhdGUga2V5'),
};
const JSON_ANSWER = { 'Content-Type': regex('application/json.*', 'application/json') };
const UNAUTHORISED = { error: like('Invalid signature') };

function providerAt(url: string): ProviderRuntime {
  const now = new Date('2026-03-02T10:00:00Z');
  return {
    id: '00000000-0000-4000-8000-000000000001',
    code: 'hub88',
    name: 'Hub88',
    protocol: 'hub88',
    status: 'active',
    apiBaseUrl: url,
    currencies: [],
    credentialKeys: ['operatorPrivateKeyPem', 'operatorId'],
    createdAt: now,
    updatedAt: now,
    publicKey: null,
    operatorPrivateKey: operatorKey,
    operatorId: String(OPERATOR_ID),
    hmacSecret: null,
  };
}

function launchOf(provider: ProviderRuntime, mode: 'real' | 'demo'): LaunchRequest {
  const game = { id: 'game-1', providerCode: 'hub88', gameCode: 'clt_dragonrising' } as GameRecord;
  const real = mode === 'real';
  return {
    provider,
    game,
    mode,
    platform: real ? 'desktop' : 'mobile',
    language: 'en',
    token: real ? 'q3Wl0cY1b7ZC2mYV0m8sQ8Jw3rTqkP4d3nF1bq8fX0E' : null,
    userId: real ? 'b7a3f6a2-1c1d-4a57-9bd4-8d9a3f2f3e10' : null,
    currency: real ? 'EUR' : null,
    country: real ? 'EE' : null,
    ip: '203.0.113.7',
    lobbyUrl: 'http://127.0.0.1:8080/',
  };
}

async function refusalOf(call: Promise<unknown>): Promise<string | null> {
  return call.then(
    () => null,
    (error: unknown) => (error instanceof DomainError ? error.code : 'not a DomainError'),
  );
}

describe('operator → Hub88 games API: consumer pact of Hub88GamesApiClient', () => {
  const output = new PactOutput();
  const pact = new PactV4({ consumer: CONSUMER, provider: PROVIDER, dir: output.dir, logLevel: 'warn' });
  const client = new Hub88GamesApiClient();
  const interactions = 5;
  let passed = 0;

  beforeAll(() => Logger.overrideLogger(false));

  afterAll(() => {
    try {
      if (passed === interactions) expect(output.publish(PACT_FILE)).toBe(true);
    } finally {
      output.dispose();
    }
  });

  it('lists the games and maps them to the catalog', async () => {
    await pact
      .addInteraction()
      .given('the operator has games enabled')
      .uponReceiving('a game list request')
      .withRequest('POST', '/operator/generic/v2/game/list', (request) =>
        request.headers(SIGNED_JSON).jsonBody({ operator_id: integer(OPERATOR_ID) }),
      )
      .willRespondWith(200, (response) =>
        response.headers(JSON_ANSWER).jsonBody(
          eachLike({
            game_code: like('clt_dragonrising'),
            name: like('Dragon Rising'),
            category: like('Video Slots'),
            url_thumb: like('https://cdn.hub88.io/games/clt_dragonrising.png'),
            rtp: decimal(96.5),
            volatility: integer(4),
            blocked_countries: atLeastLike('US', 0, 1),
            demo_game_support: boolean(true),
            freebet_support: boolean(false),
            enabled: boolean(true),
          }),
        ),
      )
      .executeTest(async (server: V3MockServer) => {
        const games = await client.listGames(providerAt(server.url));
        expect(games).toEqual([
          expect.objectContaining({
            gameCode: 'clt_dragonrising',
            title: 'Dragon Rising',
            category: 'Video Slots',
            rtp: '96.50',
            volatility: 'high',
            blockedCountries: ['US'],
            demoAvailable: true,
            enabled: true,
          }),
        ]);
        await settled(server.port);
      });
    passed += 1;
  });

  it('reports a refused game list (HTTP 401) as the provider being unavailable', async () => {
    await pact
      .addInteraction()
      .given("the operator's public key is not the one Hub88 has")
      .uponReceiving('a game list request with a signature Hub88 cannot verify')
      .withRequest('POST', '/operator/generic/v2/game/list', (request) =>
        request.headers(SIGNED_JSON).jsonBody({ operator_id: integer(OPERATOR_ID) }),
      )
      .willRespondWith(401, (response) => response.headers(JSON_ANSWER).jsonBody(UNAUTHORISED))
      .executeTest(async (server: V3MockServer) => {
        expect(await refusalOf(client.listGames(providerAt(server.url)))).toBe('GAME_PROVIDER_UNAVAILABLE');
        await settled(server.port);
      });
    passed += 1;
  });

  it('gets a real-money launch URL for a player session', async () => {
    await pact
      .addInteraction()
      .given('the game clt_dragonrising is enabled for the operator')
      .uponReceiving('a real-money game URL request')
      .withRequest('POST', '/operator/generic/v2/game/url', (request) =>
        request.headers(SIGNED_JSON).jsonBody({
          user: like('b7a3f6a2-1c1d-4a57-9bd4-8d9a3f2f3e10'),
          token: like('q3Wl0cY1b7ZC2mYV0m8sQ8Jw3rTqkP4d3nF1bq8fX0E'),
          operator_id: integer(OPERATOR_ID),
          game_code: 'clt_dragonrising',
          platform: regex('GPL_DESKTOP|GPL_MOBILE', 'GPL_DESKTOP'),
          lang: like('en'),
          lobby_url: like('http://127.0.0.1:8080/'),
          ip: like('203.0.113.7'),
          currency: like('EUR'),
          country: regex('[A-Z]{2}', 'EE'),
        }),
      )
      .willRespondWith(200, (response) =>
        response
          .headers(JSON_ANSWER)
          .jsonBody({ url: regex('https?://.+', 'https://games.hub88.io/clt_dragonrising?token=abc') }),
      )
      .executeTest(async (server: V3MockServer) => {
        const url = await client.launchUrl(launchOf(providerAt(server.url), 'real'));
        expect(url).toBe('https://games.hub88.io/clt_dragonrising?token=abc');
        await settled(server.port);
      });
    passed += 1;
  });

  it('gets a demo launch URL in the fun currency XXX, with no player or token', async () => {
    await pact
      .addInteraction()
      .given('the game clt_dragonrising is enabled for the operator')
      .uponReceiving('a demo game URL request')
      .withRequest('POST', '/operator/generic/v2/game/url', (request) =>
        request.headers(SIGNED_JSON).jsonBody({
          operator_id: integer(OPERATOR_ID),
          game_code: 'clt_dragonrising',
          platform: regex('GPL_DESKTOP|GPL_MOBILE', 'GPL_MOBILE'),
          lang: like('en'),
          lobby_url: like('http://127.0.0.1:8080/'),
          ip: like('203.0.113.7'),
          currency: 'XXX',
        }),
      )
      .willRespondWith(200, (response) =>
        response
          .headers(JSON_ANSWER)
          .jsonBody({ url: regex('https?://.+', 'https://games.hub88.io/clt_dragonrising?demo=1') }),
      )
      .executeTest(async (server: V3MockServer) => {
        const url = await client.launchUrl(launchOf(providerAt(server.url), 'demo'));
        expect(url).toBe('https://games.hub88.io/clt_dragonrising?demo=1');
        await settled(server.port);
      });
    passed += 1;
  });

  it('reports a refused launch (HTTP 401) as the provider being unavailable', async () => {
    await pact
      .addInteraction()
      .given("the operator's public key is not the one Hub88 has")
      .uponReceiving('a game URL request with a signature Hub88 cannot verify')
      .withRequest('POST', '/operator/generic/v2/game/url', (request) =>
        request.headers(SIGNED_JSON).jsonBody({
          operator_id: integer(OPERATOR_ID),
          game_code: 'clt_dragonrising',
          platform: regex('GPL_DESKTOP|GPL_MOBILE', 'GPL_MOBILE'),
          lang: like('en'),
          lobby_url: like('http://127.0.0.1:8080/'),
          ip: like('203.0.113.7'),
          currency: 'XXX',
        }),
      )
      .willRespondWith(401, (response) => response.headers(JSON_ANSWER).jsonBody(UNAUTHORISED))
      .executeTest(async (server: V3MockServer) => {
        expect(await refusalOf(client.launchUrl(launchOf(providerAt(server.url), 'demo')))).toBe(
          'GAME_PROVIDER_UNAVAILABLE',
        );
        await settled(server.port);
      });
    passed += 1;
  });
});
