import { disposeIsolatedResources, uniqueTestId } from '@casino/platform/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WalletVerifier } from '../../nest-app/src/modules/wallet/wallet.verifier';
import { FakeHub88 } from '../../nest-app/test/game/support/fake-hub88';
import { loadGatewayConfig } from '../src/config/load-gateway-config';
import { CompiledNestApp } from './support/compiled-nest-app';
import { GatewayUnderTest } from './support/gateway-under-test';

/** Hub88 amounts are ×100000 a euro (reference §2); the seeded wallet holds cents, ×1000 in Hub88 units. */
const BET = 100_000;
const WIN = 40_000;
const STARTING_HUB88_BALANCE = 1_000_000_000 * 1_000;
const WORKERS = 64;
/** Calls answered before the kill, and after it, before the load stops. */
const ANSWERS_BEFORE_KILL = 200;
const ANSWERS_AFTER_KILL = 200;
/** Reference §3: Hub88 retries on network failure 1 s apart. A bet left pending by the killed instance is driven by
 * the survivor once stale (15 s), so its retries answer RS_ERROR_UNKNOWN ("retry later") until then. */
const RETRY_INTERVAL_MS = 1_000;
const RETRY_ATTEMPTS = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  sentAt: number;
  httpStatus?: number;
  /** The Hub88 status (undefined: no Hub88 body, the gateway's own error, with its code). */
  status?: string;
  balance?: number;
  gatewayCode?: string;
}

interface Call extends Answer {
  path: 'transaction/bet' | 'transaction/win';
  fields: Record<string, unknown>;
}

/**
 * Two nest-app instances on one database behind one gateway; Hub88 sends bets and wins on one wallet from 64
 * connections at once, and one instance is SIGKILLed in the middle. Reference: /work/shared/reference/hub88-wallet-api.md
 * §4.2 (a retry of a transaction_uuid answers as the first time), §7.9 (parallel bets on one wallet), §3 (retries).
 */
describe('an API instance killed under a Hub88 load through the gateway (e2e)', () => {
  const id = uniqueTestId('gwkillhub88');
  const hub88 = new FakeHub88();
  let first: CompiledNestApp;
  let second: CompiledNestApp;
  let gateway: GatewayUnderTest;
  let player: { userId: string; token: string; gameCode: string };

  beforeAll(async () => {
    await hub88.start();
    hub88.games = [{ game_code: 'clt_killtest', name: 'Kill Test', category: 'slots' }];
    const settings = {
      ...hub88.settings(),
      API_TRUSTED_PROXIES: '127.0.0.1',
      GAME_CATALOG_SYNC_INTERVAL_SECONDS: '0',
      GAME_KYC_DEPOSIT_THRESHOLD: '1000000000',
      WALLET_USER_CONSUMER_ENABLED: 'false',
    };
    first = await CompiledNestApp.start(id, settings);
    const [started, seeded] = await Promise.all([
      CompiledNestApp.start(id, settings, first),
      first.runCli('wallet-bench-seed', ['--players', '1']),
    ]);
    second = started;
    const line = seeded.split('\n').find((candidate) => candidate.startsWith('{"seeded"'));
    const { gameCode, userIds } = (JSON.parse(line ?? '{}') as { seeded: { gameCode: string; userIds: string[] } })
      .seeded;
    const userId = userIds[0] ?? '';
    player = { userId, token: hub88.tokenOf(userId), gameCode };
    gateway = await GatewayUnderTest.start(id, {
      GATEWAY_UPSTREAMS: `${first.origin},${second.origin}`,
      // A loaded instance's readiness may take a while (its pool busy with wallet calls): a short timeout would take
      // the survivor out of rotation too. The killed one leaves at its first refused connection (passive ejection).
      GATEWAY_HEALTH_CHECK_INTERVAL_MS: '500',
      GATEWAY_HEALTH_CHECK_TIMEOUT_MS: '10000',
      GATEWAY_LIMIT_WEBHOOKS_PER_PROVIDER: '1000000/60',
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await second?.stop();
    await first?.stop();
    await hub88.stop();
    await disposeIsolatedResources(id, loadGatewayConfig({}));
  });

  /** One signed wallet call through the gateway; a new request_uuid each time (§4.1: it is no idempotency key). */
  async function send(path: string, fields: Record<string, unknown>): Promise<Answer> {
    const raw = JSON.stringify({ ...fields, request_uuid: randomUUID() });
    const sentAt = Date.now();
    const response = await gateway.send('POST', `/api/v1/providers/hub88/${path}`, {
      headers: { 'content-type': 'application/json', 'x-hub88-signature': hub88.sign(raw) },
      body: raw,
    });
    const body = response.json<{ status?: string; balance?: number; error?: { code: string } }>();
    return {
      sentAt,
      httpStatus: response.status,
      status: body.status,
      balance: body.balance,
      gatewayCode: body.error?.code,
    };
  }

  function round(kind: 'bet' | 'win', betUuid: string): Call['fields'] {
    const common = {
      user: player.userId,
      token: player.token,
      round: `round-${betUuid}`,
      reward_uuid: null,
      is_free: false,
      is_supplier_promo: false,
      game_code: player.gameCode,
      currency: 'EUR',
      bet: null,
      meta: null,
    };
    return kind === 'bet'
      ? {
          ...common,
          transaction_uuid: betUuid,
          supplier_transaction_id: `s-${betUuid}`,
          round_closed: false,
          amount: BET,
        }
      : {
          ...common,
          transaction_uuid: `win-${betUuid}`,
          supplier_transaction_id: `s-w-${betUuid}`,
          reference_transaction_uuid: betUuid,
          round_closed: true,
          amount: WIN,
        };
  }

  /** Sends the call again, as Hub88 does, until it gets a final answer (anything but "unknown, retry later"). */
  async function retried(call: Call): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      const answer = await send(call.path, call.fields);
      if (answer.status !== 'RS_ERROR_UNKNOWN' || attempt === RETRY_ATTEMPTS) return answer;
      await sleep(RETRY_INTERVAL_MS);
    }
  }

  it('fails only the calls in flight on the killed instance; their retries answer as the first time; no money is lost or doubled', async () => {
    const calls: Call[] = [];
    let flowing = true;
    // Each connection plays rounds: a bet, then its win once the bet is accepted.
    const worker = async (): Promise<void> => {
      while (flowing) {
        const betUuid = randomUUID();
        const bet: Call = { path: 'transaction/bet', fields: round('bet', betUuid), sentAt: 0 };
        calls.push(bet);
        Object.assign(bet, await send(bet.path, bet.fields));
        if (bet.status !== 'RS_OK' || !flowing) continue;
        const win: Call = { path: 'transaction/win', fields: round('win', betUuid), sentAt: 0 };
        calls.push(win);
        Object.assign(win, await send(win.path, win.fields));
      }
    };
    const answered = () => calls.filter((call) => call.httpStatus !== undefined).length;
    const workers = Array.from({ length: WORKERS }, () => worker());
    while (answered() < ANSWERS_BEFORE_KILL) await sleep(20);

    await second.signal('SIGKILL');
    const killedAt = Date.now();
    const answeredAtKill = answered();
    while (answered() < answeredAtKill + ANSWERS_AFTER_KILL) await sleep(20);
    flowing = false;
    await Promise.all(workers);

    // Only calls already on their way when the instance died fail, with the gateway's 502 (a write is never sent
    // again after a broken connection: it may have been applied); every call sent after its exit reaches the survivor.
    const failed = calls.filter((call) => call.status !== 'RS_OK');
    expect(failed.length).toBeLessThanOrEqual(WORKERS);
    expect(failed.map((call) => [call.httpStatus, call.gatewayCode])).toEqual(
      failed.map(() => [502, 'UPSTREAM_FAILED']),
    );
    expect(failed.filter((call) => call.sentAt > killedAt)).toEqual([]);
    expect(calls.filter((call) => call.sentAt > killedAt).length).toBeGreaterThanOrEqual(ANSWERS_AFTER_KILL - WORKERS);

    // Hub88's retries of the failed calls (same transaction_uuid and body, a new request_uuid): RS_OK, whether the
    // killed instance had applied the call (a replay, §4.2) or not (applied now), never a duplicate or a refusal.
    const retries = await Promise.all(failed.map((call) => retried(call)));
    expect(retries.map((answer) => answer.status)).toEqual(failed.map(() => 'RS_OK'));

    // Every call now accepted exactly once: the balance moved by exactly the accepted bets and wins.
    const bets = calls.filter((call) => call.path === 'transaction/bet').length;
    const wins = calls.filter((call) => call.path === 'transaction/win').length;
    const balance = await send('user/balance', {
      user: player.userId,
      token: player.token,
      game_code: player.gameCode,
    });
    expect(balance).toMatchObject({ status: 'RS_OK', balance: STARTING_HUB88_BALANCE - bets * BET + wins * WIN });
    const applied = await first.query<{ kind: string; count: number }>(
      `SELECT kind, count(*)::int AS count FROM game_transactions WHERE status = 'applied' GROUP BY kind ORDER BY kind`,
    );
    expect(applied).toEqual([
      { kind: 'bet', count: bets },
      { kind: 'win', count: wins },
    ]);

    // wallet:verify's invariants (balanced transactions, balances equal to their entries, one event each), in-process.
    const dataSource = await new DataSource({ type: 'postgres', url: first.databaseUrl }).initialize();
    try {
      expect(await new WalletVerifier(dataSource).verify()).toMatchObject({ ok: true });
    } finally {
      await dataSource.destroy();
    }
  }, 90_000);
});
