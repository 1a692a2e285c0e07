import { DomainError } from '@casino/contracts';
import type { INestApplicationContext } from '@nestjs/common';
import type { DemoSeeder } from '../../../cli/demo-seeder';
import { Clock } from '../../../common/time/clock';
import { DEMO_PLAYERS } from '../../user/user.demo-seeder';
import { UsersService } from '../../user/users.service';
import { GamesRepository } from '../catalog/games.repository';
import { ProvidersService } from '../providers/providers.service';
import { GameTransactionsRepository } from '../seamless/game-transactions.repository';
import { SeamlessWalletService } from '../seamless/seamless-wallet.service';
import type { ProviderRef } from '../seamless/game-wallet.types';
import { GameSessionsService } from '../sessions/game-sessions.service';
import { DEMO_PROVIDER_CODE } from './demo-provider.seeder';
import { demoRoundIds, DemoRoundPlayer, DemoRoundRefused, type DemoSession } from './demo-round-player';
import { HISTORY_GAMES, historyOf } from './game-history.demo-script';

/** The history's amounts are EUR cents: a player of another currency gets none. */
const HISTORY_CURRENCY = 'EUR';
const ORIGIN = { ip: '127.0.0.1', userAgent: 'demo-seeder' };

interface PlayerTally {
  played: number;
  already: number;
  /** Rounds not played because the balance no longer covered the stake. */
  unaffordable: number;
}

/**
 * A little play history for the demo players (bets, wins, zero wins, rollbacks on the demo provider's games), so
 * that the dashboard and reports have figures: each round goes through the seamless wallet core exactly as a Hub88
 * call of the demo provider would, in a real-money session opened with every launch check. Idempotent: the round
 * and transaction ids are fixed per player and day, and a player whose rounds have all ended gets no new session;
 * the first seed of a new day plays that day's rounds (while the balance covers them).
 * No deposits: a deposit needs the sandbox PSP (its API and its webhook to nest-app's HTTP endpoint), and neither
 * runs while seeding; a staff adjustment standing in for one would be a false deposit.
 */
export const gameHistoryDemoSeeder: DemoSeeder = {
  name: 'game: demo history',
  async seed(app: INestApplicationContext): Promise<string> {
    const runtime = await app.get(ProvidersService).runtime(DEMO_PROVIDER_CODE);
    if (!runtime || runtime.status !== 'active') throw new Error('the demo provider is not registered and active');
    const provider: ProviderRef = { id: runtime.id, code: runtime.code };
    const total: PlayerTally = { played: 0, already: 0, unaffordable: 0 };
    const skipped: string[] = [];
    for (const [index, email] of DEMO_PLAYERS.entries()) {
      const users = app.get(UsersService);
      const { account } = await users.findOrRegisterByEmail(email, ORIGIN);
      const { currency } = await users.getRecord(account.id);
      if (currency !== HISTORY_CURRENCY) {
        skipped.push(`${email} (not in ${HISTORY_CURRENCY})`);
        continue;
      }
      try {
        await playHistory(app, provider, account.id, index, total);
      } catch (error) {
        // A player a developer has since blocked, self-excluded or limited: the others still get their history.
        if (error instanceof DemoRoundRefused) skipped.push(`${email} (${error.failure})`);
        else if (error instanceof DomainError) skipped.push(`${email} (${error.code})`);
        else throw error;
      }
    }
    const notes = [
      ...(total.unaffordable > 0 ? [`${total.unaffordable} left out: the balance did not cover the stake`] : []),
      ...(skipped.length > 0 ? [`stopped or skipped: ${skipped.join(', ')}`] : []),
    ];
    const played = `${total.played} new round(s) played, ${total.already} already played`;
    const scope = `${DEMO_PLAYERS.length} demo players x ${historyOf(0).length} rounds on ${HISTORY_GAMES.length} demo games`;
    return `${played} (${scope}, no deposits)${notes.map((note) => `; ${note}`).join('')}`;
  },
};

async function playHistory(
  app: INestApplicationContext,
  provider: ProviderRef,
  userId: string,
  playerIndex: number,
  tally: PlayerTally,
): Promise<void> {
  const wallet = app.get(SeamlessWalletService);
  const player = new DemoRoundPlayer(wallet, app.get(GameTransactionsRepository), provider);
  // One session per game, opened only when one of its rounds still has to be played.
  const sessions = new Map<string, DemoSession>();
  const sessionFor = async (gameCode: string): Promise<DemoSession> => {
    const known = sessions.get(gameCode);
    if (known) return known;
    const game = await app.get(GamesRepository).findByCode(provider.id, gameCode);
    if (!game) throw new Error(`the demo game ${gameCode} is not in the catalog`);
    const opened = await app
      .get(GameSessionsService)
      .openRealSession({ gameId: game.id, userId, platform: 'desktop', language: 'en', ip: ORIGIN.ip });
    const session = { userId, currency: opened.currency, token: opened.token };
    sessions.set(gameCode, session);
    return session;
  };
  const day = app.get(Clock).now().toISOString().slice(0, 10);
  const rounds = historyOf(playerIndex);
  for (const [index, round] of rounds.entries()) {
    const ids = demoRoundIds(userId, round, day);
    if (await player.isPlayed(ids)) {
      tally.already += 1;
      continue;
    }
    const { balance } = await wallet.currentBalance(userId, HISTORY_CURRENCY);
    if (!(await player.hasBet(ids)) && balance < round.stake) {
      // The player has played or lost money elsewhere: the rest of the history waits for a balance that covers it.
      tally.unaffordable += rounds.length - index;
      break;
    }
    if (await player.play(await sessionFor(round.gameCode), round, ids)) tally.played += 1;
    else tally.already += 1;
  }
}
