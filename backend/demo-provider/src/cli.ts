import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from './config';
import { loadKeys } from './keys';
import { OperatorWallet } from './operator-wallet';
import { playRounds, randomScripts, seededRandom, type RoundScript } from './rounds';

const USAGE = `Replays rounds against the operator's wallet as the demo provider.
  demo-provider-rounds --user <user id> --token <session token> --game <game code> [--currency EUR]
                       [--rounds 1000] [--seed 1] | [--script rounds.json]
A script is a JSON array of { "scenario": "normal"|"retried"|"lost_bet_response"|"bet_never_arrived", "stake": 100000, "win": 0 }.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      token: { type: 'string' },
      game: { type: 'string' },
      currency: { type: 'string', default: 'EUR' },
      rounds: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      script: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.user || !values.token || !values.game) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const config = loadConfig();
  const wallet = new OperatorWallet(config.operatorWalletUrl, loadKeys(config.keysDir).providerPrivate);
  const session = { user: values.user, token: values.token, gameCode: values.game, currency: values.currency ?? 'EUR' };
  const scripts: RoundScript[] = values.script
    ? (JSON.parse(readFileSync(values.script, 'utf8')) as RoundScript[])
    : randomScripts(Number(values.rounds), seededRandom(Number(values.seed)));
  const before = await wallet.balance(session);
  const summary = await playRounds(wallet, session, scripts);
  const after = await wallet.balance(session);
  const expected = (before.balance ?? 0) + summary.delta;
  process.stdout.write(
    `${JSON.stringify({ ...summary, anomalies: summary.anomalies.slice(0, 20), balanceBefore: before.balance, balanceAfter: after.balance, expected }, null, 2)}\n`,
  );
  process.exit(summary.anomalies.length === 0 && after.balance === expected ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
