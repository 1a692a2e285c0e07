import { counterOf } from '@casino/platform';
import type { GameWalletFailure } from './game-wallet.types';

const refusals = counterOf(
  'game_wallet_call_refusals_total',
  "Game providers' seamless-wallet calls answered with a refusal or an error, by protocol, operation and neutral status",
  ['protocol', 'operation', 'status'],
);

/** `operation` is the route's own name of the call (`transaction/bet`), never anything the provider sent. */
export function countRefusedCall(protocol: string, operation: string, status: GameWalletFailure): void {
  refusals.inc({ protocol, operation, status });
}
