import { Matchers, PactV4, type V3MockServer } from '@pact-foundation/pact';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  privateKeyFromPem,
  publicKeyFromPem,
  signHub88,
  verifyHub88,
} from '../../src/modules/game/hub88/hub88-signature';
import {
  WALLET_BASE_PATH,
  WALLET_CONSUMER,
  WALLET_INTERACTIONS,
  WALLET_PACT_FILE,
  WALLET_PROVIDER,
  type WalletInteraction,
} from './support/hub88-wallet-contract';
import { settled } from './support/mock-server';
import { PactOutput } from './support/pact-files';

/** Hub88's demo key pair (reference §3, test/fixtures/hub88-signature-vectors): the pact's example signatures. */
const VECTORS_DIR = join(__dirname, '../fixtures/hub88-signature-vectors');
const hub88PrivateKey = privateKeyFromPem(readFileSync(join(VECTORS_DIR, 'private.pem'), 'utf8'));
const hub88PublicKey = publicKeyFromPem(readFileSync(join(VECTORS_DIR, 'public.pem'), 'utf8'));
/** Standard Base64, padded (reference §3). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

interface WalletAnswer {
  httpStatus: number;
  body: Record<string, unknown>;
}

/** What Hub88 does (reference §0, §3): compact JSON, signed over exactly the bytes it sends. */
async function callWallet(baseUrl: string, operation: string, body: unknown): Promise<WalletAnswer> {
  const raw = JSON.stringify(body);
  const response = await fetch(`${baseUrl}${WALLET_BASE_PATH}/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub88-signature': signHub88(raw, hub88PrivateKey) },
    body: raw,
  });
  return { httpStatus: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Hub88 → operator wallet: consumer pact written from the reference', () => {
  const output = new PactOutput();
  const pact = new PactV4({ consumer: WALLET_CONSUMER, provider: WALLET_PROVIDER, dir: output.dir, logLevel: 'warn' });
  let passed = 0;

  afterAll(() => {
    try {
      // Only a complete pact replaces the committed one.
      if (passed === WALLET_INTERACTIONS.length) expect(output.publish(WALLET_PACT_FILE)).toBe(true);
    } finally {
      output.dispose();
    }
  });

  it('covers every status the operator answers, each once at least', () => {
    const statuses = new Set(WALLET_INTERACTIONS.map((interaction) => Matchers.reify(interaction.response['status'])));
    expect([...statuses].sort()).toEqual([
      'RS_ERROR_DUPLICATE_TRANSACTION',
      'RS_ERROR_INVALID_GAME',
      'RS_ERROR_INVALID_PARTNER',
      'RS_ERROR_INVALID_SIGNATURE',
      'RS_ERROR_INVALID_TOKEN',
      'RS_ERROR_LIMIT_REACHED',
      'RS_ERROR_NOT_ENOUGH_MONEY',
      'RS_ERROR_TOKEN_EXPIRED',
      'RS_ERROR_TRANSACTION_DOES_NOT_EXIST',
      'RS_ERROR_TRANSACTION_ROLLED_BACK',
      'RS_ERROR_USER_DISABLED',
      'RS_ERROR_WRONG_CURRENCY',
      'RS_ERROR_WRONG_SYNTAX',
      'RS_ERROR_WRONG_TYPES',
      'RS_OK',
    ]);
    const operations = new Set(
      WALLET_INTERACTIONS.filter((i) => i.response['status'] === 'RS_OK').map((i) => i.operation),
    );
    expect(operations.size).toBe(5);
  });

  it.each(WALLET_INTERACTIONS.map((interaction) => [interaction.description, interaction] as const))(
    '%s',
    async (_description, interaction: WalletInteraction) => {
      const example = Matchers.reify(interaction.body);
      const raw = JSON.stringify(example);
      // The example signature is a real one over the example body, verifiable with Hub88's demo public key.
      const signature = signHub88(raw, hub88PrivateKey);
      expect(verifyHub88(Buffer.from(raw), signature, hub88PublicKey)).toBe(true);
      await pact
        .addInteraction()
        .given(interaction.state, { ...interaction.params })
        .uponReceiving(interaction.description)
        .withRequest('POST', `${WALLET_BASE_PATH}/${interaction.operation}`, (request) =>
          request
            .headers({
              'Content-Type': 'application/json',
              // Any Base64 signature: the provider verification signs the bytes it actually sends.
              'X-Hub88-Signature': Matchers.regex(BASE64, signature),
            })
            .jsonBody(interaction.body),
        )
        .willRespondWith(200, (response) =>
          response
            .headers({ 'Content-Type': Matchers.regex('application/json.*', 'application/json; charset=utf-8') })
            .jsonBody(interaction.response),
        )
        .executeTest(async (server: V3MockServer) => {
          const answer = await callWallet(server.url, interaction.operation, example);
          // Reference §0: HTTP 200 and a status for every business outcome, request_uuid echoed.
          expect(answer.httpStatus).toBe(200);
          expect(answer.body['status']).toBe(Matchers.reify(interaction.response['status']));
          expect(answer.body['request_uuid']).toBe((example as Record<string, unknown>)['request_uuid'] ?? null);
          await settled(server.port);
        });
      passed += 1;
    },
  );
});
