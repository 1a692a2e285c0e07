import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { DemoProviderConfig } from './config';
import { DemoFreebets, playFreeSpin } from './freebets';
import { gamePage } from './game-page';
import { DEMO_GAMES } from './games';
import { loadKeys, verifyBody } from './keys';
import { OperatorWallet, type PlayerSession } from './operator-wallet';
import { playRound } from './rounds';

interface Launch {
  gameCode: string;
  session: PlayerSession | null;
  funBalance: number;
}

const MAX_LAUNCHES = 10_000;
const STAKE = 100_000;

export interface DemoProvider {
  app: FastifyInstance;
  wallet: OperatorWallet;
  freebets: DemoFreebets;
  /** The player session a launch carries (in process only: tokens never leave over HTTP). */
  sessionOf(launchId: string): PlayerSession | null;
}

/** The demo provider: Hub88's games API (game list, game URL) and a game page whose spins bet on the operator's wallet. */
export function buildServer(config: DemoProviderConfig): DemoProvider {
  const keys = loadKeys(config.keysDir);
  const wallet = new OperatorWallet(config.operatorWalletUrl, keys.providerPrivate);
  const launches = new Map<string, Launch>();
  const freebets = new DemoFreebets();
  const app = Fastify({ logger: false, bodyLimit: 65_536 });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  /** Operator → provider calls must carry the operator's signature over the raw body (else 401, as Hub88 does). */
  const signedBody = (raw: unknown, signature: unknown): Record<string, unknown> | null => {
    if (
      !Buffer.isBuffer(raw) ||
      !verifyBody(raw, typeof signature === 'string' ? signature : undefined, keys.operatorPublic)
    )
      return null;
    try {
      return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  };

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async () => ({ status: 'ok' }));

  app.post('/operator/generic/v2/game/list', async (request, reply) => {
    const body = signedBody(request.body, request.headers['x-hub88-signature']);
    if (!body) return reply.status(401).send({ error: 'invalid signature' });
    return DEMO_GAMES;
  });

  app.post('/operator/generic/v2/game/url', async (request, reply) => {
    const body = signedBody(request.body, request.headers['x-hub88-signature']);
    if (!body) return reply.status(401).send({ error: 'invalid signature' });
    const game = DEMO_GAMES.find((candidate) => candidate.game_code === body['game_code']);
    if (!game) return reply.status(400).send({ error: 'unknown game_code' });
    const demo = body['currency'] === 'XXX' || typeof body['token'] !== 'string';
    const session: PlayerSession | null = demo
      ? null
      : {
          user: String(body['user']),
          token: String(body['token']),
          currency: String(body['currency']),
          gameCode: game.game_code,
        };
    if (launches.size >= MAX_LAUNCHES) launches.delete(launches.keys().next().value ?? '');
    const id = randomUUID();
    launches.set(id, { gameCode: game.game_code, session, funBalance: 1_000 * 100_000 });
    return { url: `${config.publicUrl}/play/${id}` };
  });

  app.post('/operator/generic/v2/freebet/prepaids/list', async (request, reply) => {
    const body = signedBody(request.body, request.headers['x-hub88-signature']);
    if (!body) return reply.status(401).send({ error: 'invalid signature' });
    return freebets.prepaids(body['game_code']);
  });

  app.post('/operator/generic/v2/freebet/rewards/create', async (request, reply) => {
    const body = signedBody(request.body, request.headers['x-hub88-signature']);
    if (!body) return reply.status(401).send({ error: 'invalid signature' });
    const created = freebets.create(body);
    if ('error' in created) return reply.status(400).send({ error: created.error });
    return created.reward;
  });

  app.get<{ Params: { id: string } }>('/play/:id', async (request, reply) => {
    const launch = launches.get(request.params.id);
    if (!launch) return reply.status(404).send('unknown game session');
    const name = DEMO_GAMES.find((game) => game.game_code === launch.gameCode)?.name ?? launch.gameCode;
    return reply.type('text/html').send(gamePage(request.params.id, name, launch.session === null));
  });

  app.get<{ Params: { id: string } }>('/play/:id/balance', async (request, reply) => {
    const launch = launches.get(request.params.id);
    if (!launch) return reply.status(404).send({ message: 'unknown game session' });
    if (!launch.session) return { balance: launch.funBalance };
    const answer = await wallet.balance(launch.session);
    return { balance: answer.balance ?? 0, message: answer.status === 'RS_OK' ? '' : answer.status };
  });

  app.post<{ Params: { id: string } }>('/play/:id/spin', async (request, reply) => {
    const launch = launches.get(request.params.id);
    if (!launch) return reply.status(404).send({ message: 'unknown game session' });
    const win = Math.random() < 0.4 ? Math.floor(Math.random() * 400) * 1_000 : 0;
    if (!launch.session) {
      if (launch.funBalance < STAKE) return { balance: launch.funBalance, message: 'Not enough fun money' };
      launch.funBalance += win - STAKE;
      return { balance: launch.funBalance, message: win > 0 ? `You won ${(win / 100_000).toFixed(2)}` : 'No win' };
    }
    // A free spin first while the player has one for this game (Freebets reward): it costs the player nothing.
    const reward = freebets.pendingFor(launch.session);
    if (reward) {
      const spun = await playFreeSpin(wallet, launch.session, reward, win);
      const answer = spun.win ?? spun.bet;
      const left = reward.betCount - reward.played;
      return { balance: answer.balance ?? 0, message: `Free spin (${left} left): ${win > 0 ? 'win' : 'no win'}` };
    }
    const result = await playRound(wallet, launch.session, { scenario: 'normal', stake: STAKE, win });
    const message =
      result.delta === 0 && result.lastBalance !== undefined && win === 0
        ? 'Not enough money'
        : win > 0
          ? `You won ${(win / 100_000).toFixed(2)}`
          : 'No win';
    return { balance: result.lastBalance ?? 0, message };
  });

  return { app, wallet, freebets, sessionOf: (launchId) => launches.get(launchId)?.session ?? null };
}
