import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { UNPARSABLE_BODY, installProviderBodyParser } from './provider-body';

describe('provider body parser', () => {
  let fastify: FastifyInstance;

  beforeAll(async () => {
    fastify = Fastify();
    installProviderBodyParser(fastify, 8);
    const echo = (request: FastifyRequest) => ({
      unparsable: request.body === UNPARSABLE_BODY,
      body: request.body === UNPARSABLE_BODY ? null : request.body,
      raw: (request as FastifyRequest & { rawBody?: Buffer }).rawBody?.toString('utf8') ?? null,
    });
    fastify.post('/provider', { config: { providerWalletRoute: 'hub88' } }, async (request) => echo(request));
    fastify.post('/api', async (request) => echo(request));
    await fastify.ready();
  });

  afterAll(() => fastify.close());

  const post = (url: string, payload: string) =>
    fastify.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });

  it('hands a provider route its unparsable bytes as UNPARSABLE_BODY, with the raw bytes kept', async () => {
    for (const payload of ['{"user":', '', '{"__proto__":{"x":1}}']) {
      const response = await post('/provider', payload);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ unparsable: true, body: null, raw: payload });
    }
  });

  it('hands a provider route a body with a NUL character or nested past the limit as UNPARSABLE_BODY', async () => {
    const deep = '['.repeat(9) + ']'.repeat(9);
    for (const payload of ['{"user":"a\\u0000b"}', '{"a\\u0000":1}', deep]) {
      const response = await post('/provider', payload);
      expect(response.json()).toEqual({ unparsable: true, body: null, raw: payload });
    }
    const limit = '['.repeat(8) + ']'.repeat(8);
    expect((await post('/provider', limit)).json()).toMatchObject({ unparsable: false });
  });

  it('parses good JSON on a provider route, keeping the exact bytes', async () => {
    const payload = '{ "user": "u1",  "amount": 100000 }';
    expect((await post('/provider', payload)).json()).toEqual({
      unparsable: false,
      body: { user: 'u1', amount: 100000 },
      raw: payload,
    });
  });

  it("keeps Fastify's refusal of broken, empty and poisoned JSON on every other route", async () => {
    for (const payload of ['{"user":', '', '{"__proto__":{"x":1}}']) {
      const response = await post('/api', payload);
      expect(response.statusCode).toBe(400);
    }
    expect((await post('/api', '{"a":1}')).json()).toEqual({ unparsable: false, body: { a: 1 }, raw: '{"a":1}' });
  });
});
