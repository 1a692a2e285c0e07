import { createHash, randomUUID } from 'node:crypto';
import { DEMO_GAMES } from './games';
import type { OperatorWallet, PlayerSession, WalletAnswer } from './operator-wallet';

/** Currencies the demo's prepaids come in (any bet value and count: Hub88's NULL prepaid fields). */
const PREPAID_CURRENCIES = ['EUR', 'GBP', 'USD'];

export interface DemoReward {
  rewardUuid: string;
  reference: string | null;
  user: string;
  gameCode: string;
  currency: string;
  /** Hub88 units (×100000). */
  betValue: number;
  betCount: number;
  played: number;
  startTime: string;
  endTime: string;
}

/** A stable prepaid id per game and currency. */
function prepaidUuid(gameCode: string, currency: string): string {
  const hex = createHash('sha256').update(`${gameCode}:${currency}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Hub88's Operator Freebets API as the demo provider offers it: prepaids per game and currency, rewards created
 * for a player (once per operator `reference`), and the free spins played on the operator's wallet with
 * `is_free: true` and the `reward_uuid`.
 */
export class DemoFreebets {
  private readonly rewards = new Map<string, DemoReward>();

  public prepaids(gameCode: unknown): Record<string, unknown>[] {
    return DEMO_GAMES.filter((game) => gameCode === undefined || game.game_code === gameCode).flatMap((game) =>
      PREPAID_CURRENCIES.map((currency) => ({
        prepaid_uuid: prepaidUuid(game.game_code, currency),
        game_code: game.game_code,
        currency,
        bet_value: null,
        bet_count: null,
        bonus_buy: false,
      })),
    );
  }

  /** `rewards/create`; null with a reason when the body does not make a reward. */
  public create(body: Record<string, unknown>): { reward: Record<string, unknown> } | { error: string } {
    const { user, game_code: gameCode, currency, bet_value: betValue, bet_count: betCount } = body;
    const reference = typeof body['reference'] === 'string' ? body['reference'] : null;
    const known = reference ? [...this.rewards.values()].find((reward) => reward.reference === reference) : undefined;
    if (known) return { reward: this.view(known) };
    if (typeof user !== 'string' || user.length < 3) return { error: 'user required' };
    if (typeof gameCode !== 'string' || typeof currency !== 'string')
      return { error: 'game_code and currency required' };
    if (body['prepaid_uuid'] !== prepaidUuid(gameCode, currency)) return { error: 'unknown prepaid_uuid' };
    if (!Number.isSafeInteger(betValue) || (betValue as number) <= 0) return { error: 'bet_value required' };
    if (!Number.isSafeInteger(betCount) || (betCount as number) <= 0) return { error: 'bet_count required' };
    if (typeof body['start_time'] !== 'string' || typeof body['end_time'] !== 'string') {
      return { error: 'start_time and end_time required' };
    }
    const reward: DemoReward = {
      rewardUuid: randomUUID(),
      reference,
      user,
      gameCode,
      currency,
      betValue: betValue as number,
      betCount: betCount as number,
      played: 0,
      startTime: body['start_time'],
      endTime: body['end_time'],
    };
    this.rewards.set(reward.rewardUuid, reward);
    return { reward: this.view(reward) };
  }

  /** The player's next reward with spins left for this game, if any. */
  public pendingFor(session: PlayerSession): DemoReward | null {
    return (
      [...this.rewards.values()].find(
        (reward) =>
          reward.user === session.user && reward.gameCode === session.gameCode && reward.played < reward.betCount,
      ) ?? null
    );
  }

  public rewardsOf(user: string): DemoReward[] {
    return [...this.rewards.values()].filter((reward) => reward.user === user);
  }

  private view(reward: DemoReward): Record<string, unknown> {
    return {
      reward_uuid: reward.rewardUuid,
      status: 'FRS_ACTIVE',
      user: reward.user,
      game_code: reward.gameCode,
      currency: reward.currency,
      bet_value: reward.betValue,
      bet_count: reward.betCount,
      start_time: reward.startTime,
      end_time: reward.endTime,
      ...(reward.reference ? { reference: reward.reference } : {}),
    };
  }
}

/** One free spin of a reward: the free bet (its value, debiting nothing), then its win, both naming the reward. */
export async function playFreeSpin(
  wallet: OperatorWallet,
  session: PlayerSession,
  reward: DemoReward,
  win: number,
): Promise<{ bet: WalletAnswer; win: WalletAnswer | null }> {
  const round = randomUUID();
  const betId = randomUUID();
  const bet = await wallet.freeBet(session, betId, round, reward.betValue, reward.rewardUuid);
  if (bet.status !== 'RS_OK') return { bet, win: null };
  reward.played += 1;
  const answer = await wallet.freeWin(session, randomUUID(), betId, round, win, reward.rewardUuid);
  return { bet, win: answer };
}
