import { randomUUID } from 'node:crypto';
import type { OperatorWallet, PlayerSession, WalletAnswer } from './operator-wallet';

/**
 * How a round reaches the operator:
 * - `normal`: bet, then the closing win;
 * - `retried`: every call is sent twice, as after a lost response (same transaction_uuid);
 * - `lost_bet_response`: the bet's answer is lost, so the bet is rolled back (twice), no win;
 * - `bet_never_arrived`: the rollback arrives first, then the late bet, which must be refused.
 */
export type Scenario = 'normal' | 'retried' | 'lost_bet_response' | 'bet_never_arrived';

export interface RoundScript {
  scenario: Scenario;
  /** Hub88 units (×100000). */
  stake: number;
  win: number;
}

export interface RoundResult {
  script: RoundScript;
  /** What the round must have done to the balance, in Hub88 units. */
  delta: number;
  /** Answers that break the protocol's promises (empty when the operator behaved). */
  anomalies: string[];
  lastBalance?: number;
}

export async function playRound(
  wallet: OperatorWallet,
  session: PlayerSession,
  script: RoundScript,
): Promise<RoundResult> {
  const round = randomUUID();
  const betId = randomUUID();
  const anomalies: string[] = [];
  const expect = (answer: WalletAnswer, statuses: string[], what: string): WalletAnswer => {
    if (!statuses.includes(answer.status)) anomalies.push(`${script.scenario}: ${what} answered ${answer.status}`);
    return answer;
  };
  const twice = async (send: () => Promise<WalletAnswer>): Promise<WalletAnswer> => {
    const [first, second] = await Promise.all([send(), send()]);
    if (first.status !== second.status || first.balance !== second.balance) {
      anomalies.push(
        `${script.scenario}: a retry answered ${second.status}/${second.balance} after ${first.status}/${first.balance}`,
      );
    }
    return second;
  };
  switch (script.scenario) {
    case 'normal':
    case 'retried': {
      const send = script.scenario === 'retried' ? twice : (call: () => Promise<WalletAnswer>) => call();
      const bet = expect(
        await send(() => wallet.bet(session, betId, round, script.stake)),
        ['RS_OK', 'RS_ERROR_NOT_ENOUGH_MONEY'],
        'bet',
      );
      if (bet.status !== 'RS_OK') return { script, delta: 0, anomalies, lastBalance: bet.balance };
      const winId = randomUUID();
      const win = expect(await send(() => wallet.win(session, winId, betId, round, script.win)), ['RS_OK'], 'win');
      return { script, delta: script.win - script.stake, anomalies, lastBalance: win.balance };
    }
    case 'lost_bet_response': {
      await wallet.bet(session, betId, round, script.stake);
      const rollbackId = randomUUID();
      const undo = await twice(() => wallet.rollback(session, rollbackId, betId, round));
      expect(undo, ['RS_OK'], 'rollback');
      return { script, delta: 0, anomalies, lastBalance: undo.balance };
    }
    case 'bet_never_arrived': {
      expect(
        await wallet.rollback(session, randomUUID(), betId, round),
        ['RS_OK', 'RS_ERROR_TRANSACTION_DOES_NOT_EXIST'],
        'early rollback',
      );
      const late = expect(
        await wallet.bet(session, betId, round, script.stake),
        ['RS_ERROR_TRANSACTION_ROLLED_BACK'],
        'late bet',
      );
      return { script, delta: 0, anomalies, lastBalance: late.balance };
    }
  }
}

/** A small seeded generator (mulberry32), so that a run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random rounds: stakes of 0.01–2.00 in whole cents (Hub88 units ×1000), most rounds lost, some retried or rolled back. */
export function randomScripts(
  count: number,
  random: () => number,
  rates = { retried: 0.15, lostBet: 0.08, neverArrived: 0.04 },
): RoundScript[] {
  return Array.from({ length: count }, () => {
    const stake = (1 + Math.floor(random() * 200)) * 1000;
    const roll = random();
    const win = roll < 0.6 ? 0 : Math.floor(random() * 5 * (stake / 1000)) * 1000;
    const pick = random();
    const scenario: Scenario =
      pick < rates.neverArrived
        ? 'bet_never_arrived'
        : pick < rates.neverArrived + rates.lostBet
          ? 'lost_bet_response'
          : pick < rates.neverArrived + rates.lostBet + rates.retried
            ? 'retried'
            : 'normal';
    return { scenario, stake, win };
  });
}

export interface RunSummary {
  rounds: number;
  delta: number;
  anomalies: string[];
  byScenario: Record<Scenario, number>;
}

export async function playRounds(
  wallet: OperatorWallet,
  session: PlayerSession,
  scripts: RoundScript[],
): Promise<RunSummary> {
  const summary: RunSummary = {
    rounds: 0,
    delta: 0,
    anomalies: [],
    byScenario: { normal: 0, retried: 0, lost_bet_response: 0, bet_never_arrived: 0 },
  };
  for (const script of scripts) {
    const result = await playRound(wallet, session, script);
    summary.rounds += 1;
    summary.delta += result.delta;
    summary.anomalies.push(...result.anomalies);
    summary.byScenario[script.scenario] += 1;
  }
  return summary;
}
