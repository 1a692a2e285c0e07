/* global process, fetch, performance, setTimeout, AbortSignal, URLSearchParams */
// The campaign's payment and sign-in load, and its payment invariants. Players sign in the real way (an emailed code
// read from MailDev); deposits are opened through the player API and paid on the sandbox PSP's hosted page, whose
// signed webhooks reach nest-app through the gateway; withdrawals are paid out by the PSP on its own (amounts ending
// in 13 fail, so their holds are released). After a fault the campaign runs the platform's reconciliation and then
// compares the PSP's own records with the ledger: every payment the PSP captured credited exactly once, every payout
// paid captured once and every failed one released once.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, psql } from './bench-support.mjs';
import { attemptStats } from './chaos-load.mjs';

const MAILDEV = 'http://127.0.0.1:1080';
const DEPOSIT = '2500';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function http(url, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json, text };
}

/** The newest code MailDev received for `email` (deleted there once read), or null when none came in time. */
async function readCode(email, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const mails = (await http(`${MAILDEV}/email`)).json ?? [];
      const mine = mails
        .filter((mail) => mail.to?.some((to) => to.address.toLowerCase() === email))
        .sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
      const code = mine[0]?.text?.match(/\b(\d{6})\b/)?.[1];
      if (code) {
        await Promise.all(mine.map((mail) => fetch(`${MAILDEV}/email/${mail.id}`, { method: 'DELETE' })));
        return code;
      }
    } catch {
      // MailDev's HTTP side is not faulted; a slow answer is polled again.
    }
    await sleep(250);
  }
  return null;
}

/** One sign-in by emailed code; counts one attempt, an error unless it ended with an access token. */
export async function signIn(api, player, stats) {
  let outcome = 'no answer';
  try {
    const start = await http(`${api()}/api/v1/auth/email/start`, { method: 'POST', body: { email: player.email } });
    outcome = `start ${start.status}${start.json?.error ? ` ${start.json.error.code}` : ''}`;
    if (start.status === 202) {
      const code = await readCode(player.email, 20_000);
      outcome = 'no mail in 20 s';
      if (code) {
        const verify = await http(`${api()}/api/v1/auth/email/verify`, {
          method: 'POST',
          body: { email: player.email, code },
        });
        outcome = `verify ${verify.status}${verify.json?.error ? ` ${verify.json.error.code}` : ''}`;
        if (verify.status === 200 && verify.json?.accessToken) {
          player.token = verify.json.accessToken;
          stats.count(true, 'signed in');
          return true;
        }
      }
    }
  } catch {
    // no answer: counted below
  }
  stats.count(false, outcome);
  return false;
}

/**
 * Creates a deposit or withdrawal as a careful client does: one Idempotency-Key, sent again while there is no
 * answer or the first request is still in progress (409 IDEMPOTENCY_REQUEST_IN_PROGRESS: a request cut by a kill
 * holds its key's lease for a minute); any other answer is final. Each attempt is counted.
 */
async function createPayment(api, player, kind, amount, stats, giveUpMs = 90_000) {
  const key = randomUUID();
  const started = performance.now();
  for (let attempt = 0; ; attempt += 1) {
    let outcome = 'no answer';
    try {
      const answer = await http(`${api()}/api/v1/payments/${kind}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${player.token}`, 'idempotency-key': key },
        body: { amount, currency: 'EUR', provider: 'sandbox' },
      });
      const code = answer.json?.error?.code;
      outcome = `HTTP ${answer.status}${code ? ` ${code}` : ''}`;
      if (answer.status === 201) {
        stats.count(true, outcome);
        return answer.json;
      }
      if (code !== 'IDEMPOTENCY_REQUEST_IN_PROGRESS') {
        stats.count(false, outcome);
        return null;
      }
    } catch {
      // no answer: sent again with the same key
    }
    stats.count(false, outcome);
    if (performance.now() - started > giveUpMs) return null;
    await sleep(Math.min(2000, 200 * 2 ** Math.min(attempt, 3)));
  }
}

/** The payer approves on the PSP's hosted page (the PSP is not faulted: it stands for the outside world). */
async function pay(page, stats) {
  try {
    const answer = await fetch(`${page}/approve`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
    stats.count(answer.status === 200, `page ${answer.status}`);
  } catch {
    stats.count(false, 'page: no answer');
  }
}

export function paymentStats() {
  const kinds = { deposits: attemptStats(), withdrawals: attemptStats(), signIns: attemptStats() };
  return {
    ...kinds,
    take: () => Object.fromEntries(Object.entries(kinds).map(([name, stats]) => [name, stats.take()])),
  };
}

/**
 * `loops` closed loops, together at most `rate` payments/s: two deposits (opened and paid) for each withdrawal
 * (1 in 4 of them of an amount the PSP fails); and one loop signing players in again, at most `signInRate`/s.
 */
const turns = { next: 0 };

export function startPaymentLoad({ api, players, rate, signInRate, stats, loops = 4 }) {
  let running = true;
  const interval = (loops * 1000) / rate;
  const paymentLoop = async () => {
    while (running) {
      const begin = performance.now();
      // One count for the whole run (the load is started again after every fault): 1 withdrawal in 4 fails.
      const turn = turns.next++;
      const player = players[turn % players.length];
      if (turn % 3 === 2) {
        const amount = turn % 12 === 11 ? '1013' : '1000';
        await createPayment(api, player, 'withdrawals', amount, stats.withdrawals);
      } else {
        const intent = await createPayment(api, player, 'deposits', DEPOSIT, stats.deposits);
        if (intent?.nextAction?.url) await pay(intent.nextAction.url, stats.deposits);
      }
      const wait = interval - (performance.now() - begin);
      if (wait > 0) await sleep(wait);
    }
  };
  const signInLoop = async () => {
    for (let round = 0; running; round += 1) {
      const begin = performance.now();
      await signIn(api, players[round % players.length], stats.signIns);
      const wait = 1000 / signInRate - (performance.now() - begin);
      if (wait > 0) await sleep(wait);
    }
  };
  const all = [...Array.from({ length: loops }, () => paymentLoop()), signInLoop()];
  return {
    stop: async () => {
      running = false;
      await Promise.all(all);
    },
  };
}

async function listAll(pspUrl, apiKey, resource) {
  const items = [];
  let after = null;
  for (;;) {
    const query = new URLSearchParams({ limit: '100', ...(after ? { starting_after: after } : {}) });
    const page = await http(`${pspUrl}/v1/${resource}?${query}`, { headers: { authorization: `Bearer ${apiKey}` } });
    if (page.status !== 200) throw new Error(`PSP ${resource} list answered ${page.status}`);
    items.push(...page.json.data);
    if (!page.json.has_more || page.json.data.length === 0) return items;
    after = page.json.data.at(-1).id;
  }
}

/** Waits until the PSP has no payout in flight and has delivered nothing new for 3 s (at most `timeoutMs`). */
async function waitForQuietPsp(pspUrl, apiKey, timeoutMs = 60_000) {
  const started = performance.now();
  let last = -1;
  let stableSince = performance.now();
  while (performance.now() - started < timeoutMs) {
    const deliveries = (await http(`${pspUrl}/sandbox/deliveries`)).json?.length ?? 0;
    const pending = (await listAll(pspUrl, apiKey, 'payouts')).filter((payout) =>
      ['pending', 'in_transit'].includes(payout.status),
    ).length;
    if (deliveries !== last) {
      last = deliveries;
      stableSince = performance.now();
    } else if (pending === 0 && performance.now() - stableSince >= 3000) return;
    await sleep(500);
  }
}

/**
 * The platform's own reconciliation, one run now with no grace (the load is paused). Asynchronous: the platform's
 * connections go through this process's proxies, which a synchronous child would stall.
 */
async function reconcile(env) {
  const run = promisify(execFile);
  try {
    const { stdout } = await run(process.execPath, [join(BIN, 'payment-reconcile.js'), '--grace-seconds', '0'], {
      env,
      timeout: 180_000,
    });
    return { ok: true, report: JSON.parse(stdout.trim().split('\n').at(-1)) };
  } catch (error) {
    let report = null;
    try {
      report = JSON.parse(
        String(error.stdout ?? '')
          .trim()
          .split('\n')
          .at(-1),
      );
    } catch {
      report = { error: `exit ${error.code ?? error.signal}: ${String(error.stderr ?? error.message).slice(-500)}` };
    }
    return { ok: false, report };
  }
}

/** PSP records against the ledger; the first difference, or null. */
function compareLedger(name, payments, payouts) {
  const moved = new Map();
  for (const row of psql(
    `SELECT metadata->>'paymentIntentId', type, count(*), sum(abs(amount)) FROM ledger_transactions
      WHERE metadata ? 'paymentIntentId' AND NOT metadata ? 'refundId' GROUP BY 1, 2`,
    name,
  )
    .split('\n')
    .filter(Boolean)) {
    const [intentId, type, count, sum] = row.split('|');
    moved.set(`${intentId}:${type}`, { count: Number(count), sum: BigInt(sum) });
  }
  const count = (intentId, type) => moved.get(`${intentId}:${type}`)?.count ?? 0;
  const captured = new Set();
  for (const payment of payments) {
    const intentId = payment.metadata?.intentId;
    if (!intentId) return `PSP payment ${payment.id} names no intent`;
    const credits = count(intentId, 'deposit');
    if (payment.status === 'succeeded') {
      captured.add(intentId);
      if (credits !== 1) return `deposit ${intentId}: captured at the PSP (${payment.id}), credited ${credits} times`;
      if (moved.get(`${intentId}:deposit`).sum !== BigInt(payment.amount))
        return `deposit ${intentId}: PSP captured ${payment.amount}, ledger credited ${moved.get(`${intentId}:deposit`).sum}`;
    } else if (credits !== 0) return `deposit ${intentId}: ${payment.status} at the PSP, credited ${credits} times`;
  }
  for (const key of moved.keys()) {
    const [intentId, type] = key.split(':');
    if (type === 'deposit' && !captured.has(intentId)) return `deposit ${intentId}: credited, not captured at the PSP`;
  }
  const withdrawals = psql(
    `SELECT id, status, wallet_hold_id IS NOT NULL FROM payment_intents WHERE kind = 'withdrawal'`,
    name,
  )
    .split('\n')
    .filter(Boolean)
    .map((row) => row.split('|'));
  const payoutOf = new Map(payouts.map((payout) => [payout.metadata?.intentId, payout]));
  const tally = { captured: 0, released: 0, open: 0 };
  for (const [id, status, hasHold] of withdrawals) {
    const [holds, captures, releases] = ['hold', 'hold_capture', 'hold_release'].map((type) => count(id, type));
    const payout = payoutOf.get(id);
    if (holds > 1) return `withdrawal ${id}: ${holds} holds`;
    if (captures + releases > 1) return `withdrawal ${id}: captured ${captures} and released ${releases} times`;
    if (payout?.status === 'paid') {
      if (captures !== 1) return `withdrawal ${id}: paid out by the PSP (${payout.id}), captured ${captures} times`;
      tally.captured += 1;
    } else if (payout && payout.status !== 'failed' && payout.status !== 'canceled') {
      return `withdrawal ${id}: payout ${payout.id} still ${payout.status}`;
    } else if (status === 'failed' || status === 'canceled') {
      if (captures !== 0 || releases !== (hasHold === 't' ? 1 : 0))
        return `withdrawal ${id}: ${status}, payout ${payout?.status ?? 'none'}, captured ${captures}, released ${releases}`;
      tally.released += releases;
    } else if (payout) {
      return `withdrawal ${id}: payout ${payout.status} at the PSP, ours ${status}`;
    } else {
      if (captures + releases !== 0) return `withdrawal ${id}: ${status} without a payout, yet resolved`;
      tally.open += 1;
    }
  }
  return { deposits: captured.size, withdrawals: withdrawals.length, ...tally };
}

/** After a fault (load paused): the reconciliation, then the PSP's records against the ledger. */
export async function checkPayments(env, name, pspUrl, apiKey) {
  await waitForQuietPsp(pspUrl, apiKey);
  const reconciliation = await reconcile(env);
  const followed = reconciliation.report?.followed ?? {};
  const repaired = Object.entries(followed)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
  if (!reconciliation.ok) {
    const first = reconciliation.report?.mismatches?.[0] ?? reconciliation.report;
    return `FAILED: reconciliation ${JSON.stringify(first)}`;
  }
  const [payments, payouts] = [
    await listAll(pspUrl, apiKey, 'payment_intents'),
    await listAll(pspUrl, apiKey, 'payouts'),
  ];
  const ledger = compareLedger(name, payments, payouts);
  if (typeof ledger === 'string') return `FAILED: ${ledger}`;
  return (
    `passed (${ledger.deposits} deposits, ${ledger.withdrawals} withdrawals: ${ledger.captured} captured, ` +
    `${ledger.released} released, ${ledger.open} open; reconciliation followed ${repaired || 'none'})`
  );
}
