import { Matchers } from '@pact-foundation/pact';
import { createHash } from 'node:crypto';

/**
 * Hub88's calls to our seamless wallet as Hub88 documents them (../shared/reference/hub88-wallet-api.md,
 * cited by section): one interaction per status the operator answers. Hub88 publishes no pact, so this is
 * the consumer side written from the reference; the provider test verifies our app against it.
 */
export const WALLET_CONSUMER = 'hub88';
export const WALLET_PROVIDER = 'casino-operator-wallet';
export const WALLET_PACT_FILE = `${WALLET_CONSUMER}-${WALLET_PROVIDER}.json`;

/** The wallet endpoint we give Hub88; Hub88 appends the paths of §1. */
export const WALLET_BASE_PATH = '/api/v1/providers/hub88';
export const GAME = 'clt_dragonrising';

/** Provider states, shared by the consumer test and the provider's state handlers. */
export const STATES = {
  player: 'a registered player',
  session: 'a player with an open game session and a balance',
  idleSession: 'a player whose game session has been idle past its time-out',
  timedOut: 'a player on a responsible-gaming time-out with an open game session',
  wagerLimit: 'a player with an open game session and a daily wager limit',
  betAccepted: 'a player with an accepted bet',
  betAcceptedSessionIdle: 'a player with an accepted bet whose game session has since been idle past its time-out',
  betRolledBack: 'a player whose bet was rolled back',
  rollbackRecorded: 'a player for whom a rollback of a transaction the operator never saw was recorded',
  foreignSignature: 'a player with an open game session, and Hub88 signing with a key the operator does not trust',
  providerDisabled: 'a player with an open game session, and the hub88 provider disabled by the operator',
} as const;

/** Values a state handler returns, injected into the request (`${user}` ...). */
export interface StateValues {
  user: string;
  token?: string;
  betTransactionUuid?: string;
  round?: string;
  transactionUuid?: string;
}

export interface WalletInteraction {
  state: string;
  params: { balance: number; betAmount?: number; wagerLimit?: number };
  description: string;
  operation: 'user/info' | 'user/balance' | 'transaction/bet' | 'transaction/win' | 'transaction/rollback';
  body: Record<string, unknown>;
  response: Record<string, unknown>;
}

const { fromProviderState, integer, like, regex, uuid, boolean } = Matchers;

/** A stable UUID-shaped example per label, so that the pact file does not change between runs. */
export function exampleUuid(label: string): string {
  const hex = createHash('sha256').update(label).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const EXAMPLE_USER = 'b7a3f6a2-1c1d-4a57-9bd4-8d9a3f2f3e10';
const EXAMPLE_TOKEN = 'q3Wl0cY1b7ZC2mYV0m8sQ8Jw3rTqkP4d3nF1bq8fX0E';
/** €100.00 as Hub88 writes it: integers of the real value × 100000 (§2). */
const EUR = (units: number): number => Math.round(units * 100_000);
const HUNDRED = { balance: EUR(100) };

const user = () => fromProviderState('${user}', EXAMPLE_USER);
const token = () => fromProviderState('${token}', EXAMPLE_TOKEN);

/** The bet request of §1.3, with every field the reference lists. */
function bet(label: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    user: user(),
    transaction_uuid: uuid(exampleUuid(`${label}/transaction`)),
    supplier_transaction_id: like('prgm-bet-99231122'),
    token: token(),
    supplier_user: null,
    round: like('JB007'),
    round_closed: boolean(false),
    request_uuid: uuid(exampleUuid(label)),
    reward_uuid: null,
    is_free: false,
    game_code: GAME,
    currency: 'EUR',
    bet: null,
    amount: integer(EUR(1)),
    meta: null,
    ...fields,
  };
}

/** The win request of §1.4: the bet's fields plus the bet it settles. */
function win(label: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return bet(label, {
    reference_transaction_uuid: fromProviderState('${betTransactionUuid}', exampleUuid(`${label}/bet`)),
    round: fromProviderState('${round}', 'JB007'),
    round_closed: boolean(true),
    ...fields,
  });
}

/** The rollback request of §1.5: no amount or currency. */
function rollback(label: string, reference: unknown): Record<string, unknown> {
  return {
    user: user(),
    transaction_uuid: uuid(exampleUuid(`${label}/transaction`)),
    reference_transaction_uuid: reference,
    supplier_transaction_id: like('prgm-rollback-99231123'),
    token: token(),
    round: like('JB007'),
    round_closed: boolean(true),
    request_uuid: uuid(exampleUuid(label)),
    game_code: GAME,
    meta: null,
  };
}

/** RS_OK with the balance (§1.2 response): `balance` any integer, `request_uuid` the one sent. */
function balanceAnswer(label: string, balance: number): Record<string, unknown> {
  return {
    user: like(EXAMPLE_USER),
    status: 'RS_OK',
    request_uuid: exampleUuid(label),
    currency: 'EUR',
    balance: integer(balance),
  };
}

/** An error status; §4.8: only `status` and `request_uuid` are required on errors. */
function refusal(label: string, status: string): Record<string, unknown> {
  return { status, request_uuid: exampleUuid(label) };
}

function interaction(
  state: string,
  description: string,
  operation: WalletInteraction['operation'],
  body: Record<string, unknown>,
  response: Record<string, unknown>,
  params: WalletInteraction['params'] = HUNDRED,
): WalletInteraction {
  return { state, params, description, operation, body, response };
}

/** The body without one of its fields. */
function without(body: Record<string, unknown>, field: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => key !== field));
}

export const WALLET_INTERACTIONS: WalletInteraction[] = [
  interaction(
    STATES.player,
    'user/info for a registered player (§1.1, §7.2)',
    'user/info',
    { user: user(), request_uuid: uuid(exampleUuid('info')) },
    {
      user: like(EXAMPLE_USER),
      status: 'RS_OK',
      request_uuid: exampleUuid('info'),
      country: regex(/^[A-Z]{2}$/, 'EE'),
      registration_date: regex(/^\d{4}-\d{2}-\d{2}$/, '2010-10-20'),
    },
  ),
  interaction(
    STATES.session,
    'user/balance with a valid token (§1.2, §7.3)',
    'user/balance',
    { user: user(), request_uuid: uuid(exampleUuid('balance')), token: token(), game_code: GAME },
    balanceAnswer('balance', EUR(100)),
  ),
  interaction(
    STATES.player,
    'user/balance with a token the operator never issued (§7.3)',
    'user/balance',
    {
      user: user(),
      request_uuid: uuid(exampleUuid('balance-unknown-token')),
      token: 'not-a-token-of-this-operator',
      game_code: GAME,
    },
    refusal('balance-unknown-token', 'RS_ERROR_INVALID_TOKEN'),
  ),
  interaction(
    STATES.idleSession,
    'user/balance on a session idle past its time-out (§4.9)',
    'user/balance',
    { user: user(), request_uuid: uuid(exampleUuid('balance-expired')), token: token(), game_code: GAME },
    refusal('balance-expired', 'RS_ERROR_TOKEN_EXPIRED'),
  ),
  interaction(
    STATES.session,
    'a bet within the balance (§1.3, §7.4)',
    'transaction/bet',
    bet('bet', { amount: integer(EUR(2)) }),
    balanceAnswer('bet', EUR(98)),
  ),
  interaction(
    STATES.session,
    'a bet over the balance (§7.4: the balance is included)',
    'transaction/bet',
    bet('bet-broke', { amount: integer(EUR(100.01)) }),
    { ...refusal('bet-broke', 'RS_ERROR_NOT_ENOUGH_MONEY'), currency: 'EUR', balance: integer(EUR(100)) },
  ),
  interaction(
    STATES.session,
    'a bet in another currency than the wallet (§2, §7.4)',
    'transaction/bet',
    bet('bet-usd', { currency: 'USD' }),
    refusal('bet-usd', 'RS_ERROR_WRONG_CURRENCY'),
  ),
  interaction(
    STATES.session,
    'a bet on a game the operator does not know (§7.4)',
    'transaction/bet',
    bet('bet-unknown-game', { game_code: 'no_such_game' }),
    refusal('bet-unknown-game', 'RS_ERROR_INVALID_GAME'),
  ),
  interaction(
    STATES.timedOut,
    'a bet of a player on a time-out (§5 RS_ERROR_USER_DISABLED)',
    'transaction/bet',
    bet('bet-timed-out'),
    refusal('bet-timed-out', 'RS_ERROR_USER_DISABLED'),
  ),
  interaction(
    STATES.wagerLimit,
    'a bet beyond the daily wager limit (§5 RS_ERROR_LIMIT_REACHED)',
    'transaction/bet',
    bet('bet-limit', { amount: integer(EUR(2)) }),
    refusal('bet-limit', 'RS_ERROR_LIMIT_REACHED'),
    { balance: EUR(100), wagerLimit: EUR(1) },
  ),
  interaction(
    STATES.idleSession,
    'a bet on a session idle past its time-out (§4.9)',
    'transaction/bet',
    bet('bet-expired'),
    refusal('bet-expired', 'RS_ERROR_TOKEN_EXPIRED'),
  ),
  interaction(
    STATES.betAccepted,
    'the accepted bet sent again with the same data (§4.2, §7.5: answered as the first time)',
    'transaction/bet',
    bet('bet-replay', {
      transaction_uuid: fromProviderState('${betTransactionUuid}', exampleUuid('bet-replay/bet')),
      round: fromProviderState('${round}', 'JB007'),
      amount: EUR(1),
    }),
    balanceAnswer('bet-replay', EUR(99)),
    { balance: EUR(100), betAmount: EUR(1) },
  ),
  interaction(
    STATES.betAccepted,
    'the accepted bet id sent again with another amount (§4.2, §7.5)',
    'transaction/bet',
    bet('bet-duplicate', {
      transaction_uuid: fromProviderState('${betTransactionUuid}', exampleUuid('bet-duplicate/bet')),
      round: fromProviderState('${round}', 'JB007'),
      amount: EUR(5),
    }),
    refusal('bet-duplicate', 'RS_ERROR_DUPLICATE_TRANSACTION'),
    { balance: EUR(100), betAmount: EUR(1) },
  ),
  interaction(
    STATES.rollbackRecorded,
    'a late bet whose rollback came first (§4.4, §7.7)',
    'transaction/bet',
    bet('bet-late', {
      transaction_uuid: fromProviderState('${transactionUuid}', exampleUuid('bet-late/rolled-back')),
    }),
    refusal('bet-late', 'RS_ERROR_TRANSACTION_ROLLED_BACK'),
  ),
  interaction(
    STATES.session,
    'a bet whose amount is a string (§5 RS_ERROR_WRONG_TYPES)',
    'transaction/bet',
    bet('bet-amount-string', { amount: '100000' }),
    refusal('bet-amount-string', 'RS_ERROR_WRONG_TYPES'),
  ),
  interaction(
    STATES.session,
    'a bet of 0.00001 EUR, not a whole cent (§2, §7.4)',
    'transaction/bet',
    bet('bet-amount-fraction', { amount: 1 }),
    refusal('bet-amount-fraction', 'RS_ERROR_WRONG_TYPES'),
  ),
  interaction(
    STATES.session,
    'a bet without transaction_uuid (§5 RS_ERROR_WRONG_SYNTAX)',
    'transaction/bet',
    without(bet('bet-no-transaction'), 'transaction_uuid'),
    refusal('bet-no-transaction', 'RS_ERROR_WRONG_SYNTAX'),
  ),
  interaction(
    STATES.foreignSignature,
    'a bet signed with a key the operator does not trust (§3, §7.1)',
    'transaction/bet',
    bet('bet-foreign-signature'),
    refusal('bet-foreign-signature', 'RS_ERROR_INVALID_SIGNATURE'),
  ),
  interaction(
    STATES.providerDisabled,
    'a bet while the operator has disabled the integration (§5 RS_ERROR_INVALID_PARTNER)',
    'transaction/bet',
    bet('bet-disabled'),
    refusal('bet-disabled', 'RS_ERROR_INVALID_PARTNER'),
  ),
  interaction(
    STATES.betAccepted,
    'a win settling the accepted bet (§1.4, §7.6)',
    'transaction/win',
    win('win', { amount: integer(EUR(25)) }),
    balanceAnswer('win', EUR(124)),
    { balance: EUR(100), betAmount: EUR(1) },
  ),
  interaction(
    STATES.betAcceptedSessionIdle,
    'a win after the game session went idle past its time-out (§4.9, §7.6)',
    'transaction/win',
    win('win-expired', { amount: integer(EUR(3)) }),
    balanceAnswer('win-expired', EUR(102)),
    { balance: EUR(100), betAmount: EUR(1) },
  ),
  interaction(
    STATES.session,
    'a win referencing a bet the operator never saw (§4.3, §7.6)',
    'transaction/win',
    win('win-orphan', {
      reference_transaction_uuid: uuid(exampleUuid('win-orphan/bet')),
      round: like('JB007'),
    }),
    refusal('win-orphan', 'RS_ERROR_TRANSACTION_DOES_NOT_EXIST'),
  ),
  interaction(
    STATES.betRolledBack,
    'a win after its bet was rolled back (§4.6, §7.7)',
    'transaction/win',
    win('win-after-rollback', { amount: integer(EUR(50)) }),
    refusal('win-after-rollback', 'RS_ERROR_TRANSACTION_ROLLED_BACK'),
    { balance: EUR(100), betAmount: EUR(7) },
  ),
  interaction(
    STATES.betAccepted,
    'a rollback of the accepted bet (§1.5, §7.7)',
    'transaction/rollback',
    rollback('rollback', fromProviderState('${betTransactionUuid}', exampleUuid('rollback/bet'))),
    balanceAnswer('rollback', EUR(100)),
    { balance: EUR(100), betAmount: EUR(6) },
  ),
  interaction(
    STATES.session,
    'a rollback of a transaction the operator never saw (§4.4: recorded, RS_OK)',
    'transaction/rollback',
    rollback('rollback-unknown', uuid(exampleUuid('rollback-unknown/bet'))),
    balanceAnswer('rollback-unknown', EUR(100)),
  ),
];
