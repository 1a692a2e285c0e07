import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { NewPlayerBonus } from '../player-bonuses/player-bonus.types';
import { PlayerBonusesRepository } from '../player-bonuses/player-bonuses.repository';
import type { FreeSpinPlay, FreeSpinReward } from './free-spins.types';

interface RewardRow {
  id: string;
  player_bonus_id: string;
  user_id: string;
  provider_code: string;
  game_code: string;
  currency: string;
  spin_count: number;
  spin_value: string;
  wagering_multiplier: number;
  status: FreeSpinReward['status'];
  reward_uuid: string | null;
  spins_played: number;
  winnings: string;
  starts_at: Date;
  ends_at: Date;
}

const SELECT = `SELECT id, player_bonus_id, user_id, provider_code, game_code, currency, spin_count,
    spin_value::text, wagering_multiplier, status, reward_uuid, spins_played, winnings::text, starts_at, ends_at
  FROM free_spin_rewards`;

/** Free-spin rewards and the free-spins bonus row each belongs to. */
@Injectable()
export class FreeSpinRewardsRepository {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly bonuses: PlayerBonusesRepository,
  ) {}

  /**
   * The free-spins bonus (offered, no money: its amount is what the spins will win) with its log row, and its
   * reward (pending until the provider created it); false when the grant key exists.
   */
  public async insert(
    manager: EntityManager,
    bonus: NewPlayerBonus,
    reward: Omit<FreeSpinReward, 'status' | 'rewardUuid' | 'spinsPlayed' | 'winnings'>,
  ): Promise<boolean> {
    if (!(await this.bonuses.insertOffered(manager, bonus, 'staff_grant', { freeSpins: true }))) return false;
    await manager.query(
      `INSERT INTO free_spin_rewards (id, player_bonus_id, user_id, provider_code, game_code, currency, spin_count,
         spin_value, wagering_multiplier, status, starts_at, ends_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10, $11)`,
      [
        reward.id,
        reward.playerBonusId,
        reward.userId,
        reward.providerCode,
        reward.gameCode,
        reward.currency,
        reward.spinCount,
        reward.spinValue.toString(),
        reward.wageringMultiplier,
        reward.startsAt,
        reward.endsAt,
      ],
    );
    return true;
  }

  public async ofBonus(playerBonusId: string): Promise<FreeSpinReward | null> {
    const [row] = (await this.dataSource.query(`${SELECT} WHERE player_bonus_id = $1`, [playerBonusId])) as RewardRow[];
    return row ? toReward(row) : null;
  }

  public async byRewardUuid(providerCode: string, rewardUuid: string): Promise<FreeSpinReward | null> {
    const [row] = (await this.dataSource.query(`${SELECT} WHERE provider_code = $1 AND reward_uuid = $2`, [
      providerCode,
      rewardUuid,
    ])) as RewardRow[];
    return row ? toReward(row) : null;
  }

  /** The provider created it: its id is stored once (a second answer for the same reward changes nothing). */
  public async markIssued(id: string, rewardUuid: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE free_spin_rewards SET status = 'issued', reward_uuid = $2, updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id, rewardUuid],
    );
  }

  /** Whether the reward's bonus is still active (its spins may be played). */
  public async bonusActive(reward: FreeSpinReward): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM player_bonuses WHERE id = $1 AND status = 'active'`, [
      reward.playerBonusId,
    ])) as unknown[];
    return rows.length > 0;
  }

  /**
   * In the money's ledger transaction (so once per bet or win, never on a replay): a bet counts a spin played; a
   * win adds to the reward's winnings and, while its bonus is active, to the bonus's amount and wagering
   * (winnings × the multiplier).
   */
  public async recordIn(manager: EntityManager, plays: FreeSpinPlay[]): Promise<void> {
    if (plays.length === 0) return;
    await manager.query(
      `WITH input AS (
         SELECT reward_id, sum(CASE WHEN kind = 'bet' THEN 1 ELSE 0 END)::int AS spins,
                sum(CASE WHEN kind = 'win' THEN amount ELSE 0 END) AS won
           FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS p(reward_id, kind, amount)
          GROUP BY reward_id),
       rewards AS (
         UPDATE free_spin_rewards r SET spins_played = r.spins_played + i.spins, winnings = r.winnings + i.won,
                updated_at = now()
           FROM input i WHERE r.id = i.reward_id
         RETURNING r.player_bonus_id, r.wagering_multiplier, i.won)
       UPDATE player_bonuses b SET amount = b.amount + w.won,
              wagering_required = b.wagering_required + w.won * w.wagering_multiplier, updated_at = now()
         FROM rewards w WHERE b.id = w.player_bonus_id AND b.status = 'active' AND w.won > 0`,
      [plays.map((play) => play.rewardId), plays.map((play) => play.kind), plays.map((play) => play.amount.toString())],
    );
  }
}

function toReward(row: RewardRow): FreeSpinReward {
  return {
    id: row.id,
    playerBonusId: row.player_bonus_id,
    userId: row.user_id,
    providerCode: row.provider_code,
    gameCode: row.game_code,
    currency: row.currency,
    spinCount: row.spin_count,
    spinValue: BigInt(row.spin_value),
    wageringMultiplier: row.wagering_multiplier,
    status: row.status,
    rewardUuid: row.reward_uuid,
    spinsPlayed: row.spins_played,
    winnings: BigInt(row.winnings),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
  };
}
