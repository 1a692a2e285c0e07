/* global Buffer, performance, setTimeout, clearTimeout */
// The campaign's steady load: Hub88 bet, win and rollback rounds for many players, retried as a provider retries
// (the same signed bytes, again and again, until a final answer), at a capped rate for the whole run.
import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RawHttpClient, requestBytes } from './raw-http-client.mjs';

const BET = 100_000;
const WIN = 150_000;
/** Answers a provider does not retry: the wallet decided. Anything else (5xx, RS_ERROR_UNKNOWN, no answer) is retried. */
const FINAL = new Set([
  'RS_OK',
  'RS_ERROR_NOT_ENOUGH_MONEY',
  'RS_ERROR_DUPLICATE_TRANSACTION',
  'RS_ERROR_TRANSACTION_DOES_NOT_EXIST',
  'RS_ERROR_TRANSACTION_ROLLED_BACK',
  'RS_ERROR_USER_DISABLED',
  'RS_ERROR_INVALID_TOKEN',
  'RS_ERROR_TOKEN_EXPIRED',
]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function hub88Signer(vectorsDir, port) {
  const key = createPrivateKey(readFileSync(join(vectorsDir, 'private.pem')));
  return (path, fields) => {
    const raw = Buffer.from(JSON.stringify({ ...fields, request_uuid: randomUUID() }));
    const headers = {
      'content-type': 'application/json',
      'x-hub88-signature': sign('sha256', raw, key).toString('base64'),
    };
    return { path, fields, bytes: requestBytes(port(), `/api/v1/providers/hub88/${path}`, headers, raw) };
  };
}

/** One call sent until the wallet gives a final answer; every attempt is counted in `stats`. */
export async function sendUntilFinal(connection, call, stats, giveUpMs = 180_000) {
  const started = performance.now();
  for (let attempt = 0; ; attempt += 1) {
    let status = 'no answer';
    try {
      const client = await connection.get();
      const answer = await withTimeout(client.send(call.bytes), 10_000, () => connection.reset());
      const body = answer.status === 200 ? JSON.parse(answer.body) : null;
      status = body ? body.status : `HTTP ${answer.status}`;
      if (body && FINAL.has(body.status)) {
        stats.count(true, status);
        call.attempts = attempt + 1;
        call.first ??= answer.body;
        return answer.body;
      }
    } catch {
      connection.reset();
    }
    stats.count(false, status);
    if (performance.now() - started > giveUpMs) throw new Error(`${call.path}: no final answer in ${giveUpMs} ms`);
    await sleep(Math.min(2000, 100 * 2 ** Math.min(attempt, 4)));
  }
}

function withTimeout(promise, ms, onTimeout) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => {
        onTimeout();
        reject(new Error('timeout'));
      }, ms);
    }),
  ]);
}

/** A keep-alive connection that reconnects lazily after a failure. */
export function lazyConnection(port) {
  let client = null;
  return {
    get: async () => {
      if (client) return client;
      const fresh = new RawHttpClient(port());
      await fresh.open();
      client = fresh;
      return client;
    },
    reset: () => {
      client?.close();
      client = null;
    },
    close: () => client?.close(),
  };
}

/** Counters of attempts by outcome, read and cleared by the campaign at each phase boundary. */
export function attemptStats() {
  let window = { requests: 0, errors: 0, byStatus: {} };
  return {
    count: (ok, status) => {
      window.requests += 1;
      if (!ok) window.errors += 1;
      window.byStatus[status] = (window.byStatus[status] ?? 0) + 1;
    },
    take: () => {
      const taken = window;
      window = { requests: 0, errors: 0, byStatus: {} };
      return taken;
    },
  };
}

/**
 * `clients` closed loops, together at most `rate` requests/s: bet, then a win (4 in 5) or a rollback of the bet
 * (1 in 5); 1 call in 20 is sent a second time at once (a provider's duplicate). Every call with its first final
 * answer is kept in `calls` so that the campaign can replay them later and compare.
 */
export function startSteadyLoad({ port, signer, players, gameCode, clients, rate, stats }) {
  const calls = [];
  let running = true;
  const interval = (clients * 1000) / rate;
  const loop = async (index) => {
    const connection = lazyConnection(port);
    let round = 0;
    while (running) {
      const begin = performance.now();
      const player = players[(index + round * clients) % players.length];
      round += 1;
      const bet = randomUUID();
      const common = {
        user: player.userId,
        token: player.token,
        round: `r-${bet}`,
        reward_uuid: null,
        is_free: false,
        is_supplier_promo: false,
        game_code: gameCode,
        currency: 'EUR',
        bet: null,
        meta: null,
      };
      const betCall = signer('transaction/bet', {
        ...common,
        transaction_uuid: bet,
        supplier_transaction_id: `s-${bet}`,
        round_closed: false,
        amount: BET,
      });
      const settle =
        round % 5 === 0
          ? signer('transaction/rollback', {
              ...common,
              transaction_uuid: randomUUID(),
              supplier_transaction_id: `s-rb-${bet}`,
              reference_transaction_uuid: bet,
              round_closed: true,
            })
          : signer('transaction/win', {
              ...common,
              transaction_uuid: randomUUID(),
              supplier_transaction_id: `s-w-${bet}`,
              reference_transaction_uuid: bet,
              round_closed: true,
              amount: WIN,
            });
      for (const call of [betCall, settle]) {
        call.at = Date.now();
        try {
          await sendUntilFinal(connection, call, stats);
          calls.push(call);
          if (round % 20 === 0) call.duplicate = await sendUntilFinal(connection, { ...call, first: undefined }, stats);
        } catch (error) {
          call.lost = String(error.message);
          calls.push(call);
        }
        const wait = interval / 2 - (performance.now() - begin) / 2;
        if (wait > 0) await sleep(wait);
      }
    }
    connection.close();
  };
  const loops = Array.from({ length: clients }, (_, index) => loop(index));
  return {
    calls,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** The answer without its balance: a retry is answered "as the first time, RS_OK with the current balance" (Hub88). */
function sameAnswer(first, again) {
  const { balance: _a, ...one } = JSON.parse(first);
  const { balance: _b, ...other } = JSON.parse(again);
  return JSON.stringify(one) === JSON.stringify(other);
}

/**
 * With the load paused: sends again every call since `since` that needed a retry and a sample of the others, and
 * returns those whose answer differs from the first, or whose balance differs from the player's balance read just
 * before (a retry applied a second time).
 */
export async function replaySince(port, signer, calls, since, stats) {
  const connection = lazyConnection(port);
  const mismatches = [];
  // Every call that needed a retry, and an even sample of at most 300 of the others.
  const window = calls.filter((call) => call.at >= since && call.first);
  const retried = window.filter((call) => call.attempts > 1);
  const others = window.filter((call) => call.attempts === 1);
  const step = Math.max(1, Math.ceil(others.length / 300));
  const sample = [...retried, ...others.filter((_, index) => index % step === 0)];
  const balances = new Map();
  for (const call of sample) {
    const { user, token, game_code: gameCode } = call.fields;
    if (balances.has(user)) continue;
    const answer = await sendUntilFinal(
      connection,
      signer('user/balance', { user, token, game_code: gameCode }),
      stats,
    );
    balances.set(user, JSON.parse(answer).balance);
  }
  for (const call of sample) {
    const again = await sendUntilFinal(connection, { ...call, first: undefined }, stats);
    const balance = JSON.parse(again).balance;
    if (!sameAnswer(call.first, again) || (balance !== undefined && balance !== balances.get(call.fields.user))) {
      mismatches.push({ path: call.path, first: call.first, again, balanceBefore: balances.get(call.fields.user) });
    }
  }
  for (const call of calls.filter((c) => c.duplicate && c.at >= since && !sameAnswer(c.first, c.duplicate))) {
    mismatches.push({ path: call.path, first: call.first, again: call.duplicate, duplicate: true });
  }
  connection.close();
  return {
    replayed: sample.length,
    retried: retried.length,
    mismatches,
    lost: calls.filter((c) => c.lost && c.at >= since).length,
  };
}
