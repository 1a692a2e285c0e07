import type { GameWalletOutcome, ProviderRef, TransactionCommand } from '../seamless/game-wallet.types';
import type { GameTransactionsRepository } from '../seamless/game-transactions.repository';
import type { SeamlessWalletService } from '../seamless/seamless-wallet.service';
import type { HistoryRound } from './game-history.demo-script';

/**
 * The fixed ids of a demo round and its transactions for a day (UTC): the same on every run of that day, so a second
 * run only replays, and the first run of a new day plays that day's history (the dashboard shows today's figures).
 */
export interface DemoRoundIds {
  round: string;
  bet: string;
  /** The closing win, or the rollback of a rolled-back round. */
  end: string;
}

export function demoRoundIds(userId: string, round: HistoryRound, day: string): DemoRoundIds {
  const id = `demo-seed-${day}-${userId}-r${String(round.number).padStart(2, '0')}`;
  return { round: id, bet: `${id}-bet`, end: `${id}-${round.win === null ? 'rollback' : 'win'}` };
}

/** The wallet refused one of the history's calls (a limit, a blocked account...): the player's history stops there. */
export class DemoRoundRefused extends Error {
  public constructor(
    public readonly failure: string,
    what: string,
  ) {
    super(`demo ${what} was refused: ${failure}`);
  }
}

export interface DemoSession {
  userId: string;
  currency: string;
  token: string;
}

/**
 * Plays demo rounds as the demo provider would send them over Hub88 (bet, then the closing win or a rollback),
 * through the seamless wallet core itself: the same claims, RG gate, ledger postings and outbox events.
 */
export class DemoRoundPlayer {
  public constructor(
    private readonly wallet: SeamlessWalletService,
    private readonly transactions: GameTransactionsRepository,
    private readonly provider: ProviderRef,
  ) {}

  /** True when the round reached its end on an earlier run. */
  public async isPlayed(ids: DemoRoundIds): Promise<boolean> {
    const end = await this.transactions.find(this.provider.id, ids.end);
    return end !== null && end.status !== 'pending';
  }

  /** True when the round's bet is already recorded (an interrupted run): its stake was checked then. */
  public async hasBet(ids: DemoRoundIds): Promise<boolean> {
    return (await this.transactions.find(this.provider.id, ids.bet)) !== null;
  }

  /** Plays the round; answers whether it moved money now (false: every call was a replay). */
  public async play(session: DemoSession, round: HistoryRound, ids: DemoRoundIds): Promise<boolean> {
    const base = {
      provider: this.provider,
      token: session.token,
      userId: session.userId,
      gameCode: round.gameCode,
      round: ids.round,
      details: { source: 'demo-seeder' },
    };
    const bet = await this.send({
      ...base,
      kind: 'bet',
      checkExpiry: true,
      transactionId: ids.bet,
      currency: session.currency,
      amount: round.stake,
      roundClosed: false,
      isFree: false,
      isPromo: false,
    });
    const end =
      round.win === null
        ? await this.send({
            ...base,
            kind: 'rollback',
            checkExpiry: false,
            transactionId: ids.end,
            referenceTransactionId: ids.bet,
            roundClosed: true,
          })
        : await this.send({
            ...base,
            kind: 'win',
            checkExpiry: false,
            transactionId: ids.end,
            referenceTransactionId: ids.bet,
            currency: session.currency,
            amount: round.win,
            roundClosed: true,
            isFree: false,
            isPromo: false,
          });
    return !bet.replayed || !end.replayed;
  }

  private async send(command: TransactionCommand): Promise<Extract<GameWalletOutcome, { ok: true }>> {
    const outcome =
      command.kind === 'bet'
        ? await this.wallet.bet(command)
        : command.kind === 'win'
          ? await this.wallet.win(command)
          : await this.wallet.rollback(command);
    if (!outcome.ok) throw new DemoRoundRefused(outcome.failure, `${command.kind} ${command.transactionId}`);
    return outcome;
  }
}
