import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface NetLoss {
  userId: string;
  /** Cash staked − cash won − cash given back by rollbacks, in the period (positive: the player lost). */
  netLoss: bigint;
}

/** The ledger's view of what players lost: entries of their cash accounts, by transaction type and time. */
@Injectable()
export class CashbackRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /**
   * Each player's net cash loss in [from, to) in one currency, only the players who lost: −(sum of the cash
   * account's entries of bets, wins and rollbacks). Bonus money staked or won is not cash and does not count.
   */
  public async netLosses(currency: string, from: Date, to: Date): Promise<NetLoss[]> {
    const rows = (await this.dataSource.query(
      `SELECT w.user_id, (-sum(e.amount))::text AS net_loss
         FROM ledger_transactions t
         JOIN ledger_entries e ON e.transaction_id = t.id
         JOIN ledger_accounts a ON a.id = e.account_id AND a.kind = 'player_cash'
         JOIN wallets w ON w.id = t.wallet_id
        WHERE t.type IN ('bet', 'win', 'rollback') AND t.currency = $1 AND t.created_at >= $2 AND t.created_at < $3
        GROUP BY w.user_id
       HAVING sum(e.amount) < 0
        ORDER BY w.user_id`,
      [currency, from, to],
    )) as { user_id: string; net_loss: string }[];
    return rows.map((row) => ({ userId: row.user_id, netLoss: BigInt(row.net_loss) }));
  }
}
