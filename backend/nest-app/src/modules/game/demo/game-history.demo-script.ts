/** The demo games the history is played on: three slots and the table game. */
export const HISTORY_GAMES = ['demo_lucky_sevens', 'demo_fruit_burst', 'demo_dragon_gold', 'demo_coin_flip'] as const;

export const HISTORY_ROUNDS_PER_PLAYER = 20;

/** Stakes in EUR cents; every stake is a multiple of 50, so that each multiplier below gives whole cents. */
const STAKES = [50n, 100n, 100n, 200n, 250n, 500n] as const;
/** Wins in tenths of the stake, one per round: mostly lost rounds (a win of 0 closes them), a few good ones. */
const WIN_TENTHS = [0n, 0n, 20n, 0n, 5n, 15n, 0n, 0n, 30n, 10n, 0n, 0n, 0n, 25n, 0n, 50n, 0n, 12n, 0n, 0n] as const;
/** Which rounds (offset by the player) the provider rolls back instead of settling: its bet's answer was lost. */
const ROLLED_BACK_AT = 6;

export interface HistoryRound {
  /** 1-based, part of the round's and its transactions' fixed ids. */
  number: number;
  gameCode: (typeof HISTORY_GAMES)[number];
  stake: bigint;
  /** The closing win (0 for a lost round), or null when the bet is rolled back instead. */
  win: bigint | null;
}

/** The rounds of the demo player at `playerIndex`: the same amounts on every run and every machine. */
export function historyOf(playerIndex: number): HistoryRound[] {
  return Array.from({ length: HISTORY_ROUNDS_PER_PLAYER }, (_, index) => {
    const stake = STAKES[(index * 7 + playerIndex * 3) % STAKES.length] ?? 100n;
    const rolledBack = (index + playerIndex) % 10 === ROLLED_BACK_AT;
    const tenths = WIN_TENTHS[(index + playerIndex * 5) % WIN_TENTHS.length] ?? 0n;
    return {
      number: index + 1,
      gameCode: HISTORY_GAMES[(index + playerIndex) % HISTORY_GAMES.length] ?? HISTORY_GAMES[0],
      stake,
      win: rolledBack ? null : (stake * tenths) / 10n,
    };
  });
}
