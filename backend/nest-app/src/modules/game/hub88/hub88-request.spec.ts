import {
  Hub88ParseError,
  parseBalance,
  parseBet,
  parseRollback,
  parseUserInfo,
  parseWin,
  requestUuidOf,
} from './hub88-request';

const bet = {
  user: 'b7a3f6a2-1c1d-4a57-9bd4-8d9a3f2f3e10',
  transaction_uuid: '16d2dcfe-b89e-11e7-854a-58404eea6d16',
  supplier_transaction_id: 'prgm-bet-99231122',
  token: '55b7518e-b89e-11e7-81be-58404eea6d16',
  round: 'JB007',
  round_closed: false,
  request_uuid: '583c985f-fee6-4c0e-bbf5-308aad6265af',
  reward_uuid: null,
  is_free: false,
  game_code: 'clt_dragonrising',
  currency: 'EUR',
  bet: 'zero',
  amount: 100000,
  meta: null,
};

function statusOf(parse: () => unknown): string | null {
  try {
    parse();
    return null;
  } catch (error) {
    return error instanceof Hub88ParseError ? error.status : 'other';
  }
}

describe('Hub88 request parsing (reference §1)', () => {
  it('parses a bet and ignores unknown extra fields (§2: is_billable and later additions)', () => {
    const parsed = parseBet({ ...bet, is_billable: true, something_new: { nested: 1 } });
    expect(parsed).toMatchObject({ transactionUuid: bet.transaction_uuid, amount: 100000, round: 'JB007' });
    expect(parsed).not.toHaveProperty('is_billable');
  });

  it('accepts a null round, a numeric round and a missing round_closed', () => {
    expect(parseBet({ ...bet, round: null, round_closed: undefined }).round).toBeNull();
    expect(parseBet({ ...bet, round: 42 }).round).toBe('42');
    expect(parseBet({ ...bet, round_closed: undefined }).roundClosed).toBe(false);
  });

  it.each([
    ['a missing amount', { amount: undefined }, 'RS_ERROR_WRONG_SYNTAX'],
    ['a missing token', { token: undefined }, 'RS_ERROR_WRONG_SYNTAX'],
    ['a missing transaction_uuid', { transaction_uuid: undefined }, 'RS_ERROR_WRONG_SYNTAX'],
    ['an amount as a string', { amount: '100000' }, 'RS_ERROR_WRONG_TYPES'],
    ['a fractional amount', { amount: 1.5 }, 'RS_ERROR_WRONG_TYPES'],
    ['a negative amount', { amount: -1 }, 'RS_ERROR_WRONG_TYPES'],
    ['is_free as a string', { is_free: 'false' }, 'RS_ERROR_WRONG_TYPES'],
    ['meta as an array', { meta: [] }, 'RS_ERROR_WRONG_TYPES'],
  ])('refuses %s', (_label, change, status) => {
    expect(statusOf(() => parseBet({ ...bet, ...change }))).toBe(status);
  });

  it('refuses a body that is not an object', () => {
    expect(statusOf(() => parseBet([bet]))).toBe('RS_ERROR_WRONG_SYNTAX');
    expect(statusOf(() => parseBet('x'))).toBe('RS_ERROR_WRONG_SYNTAX');
  });

  it('needs a reference on a win unless it is a supplier promo (§1.4)', () => {
    expect(statusOf(() => parseWin(bet))).toBe('RS_ERROR_WRONG_SYNTAX');
    expect(parseWin({ ...bet, is_supplier_promo: true }).referenceTransactionUuid).toBeNull();
    expect(parseWin({ ...bet, reference_transaction_uuid: 'abc-1' }).referenceTransactionUuid).toBe('abc-1');
  });

  it('parses a rollback without amount or currency (§1.5)', () => {
    const rollback = parseRollback({
      user: bet.user,
      transaction_uuid: 'r-1',
      reference_transaction_uuid: bet.transaction_uuid,
      token: bet.token,
      request_uuid: bet.request_uuid,
      round: null,
    });
    expect(rollback).toMatchObject({ referenceTransactionUuid: bet.transaction_uuid, transactionUuid: 'r-1' });
  });

  it('parses /user/info without a token and /user/balance without a user (demo, §1.2)', () => {
    expect(parseUserInfo({ user: 'john12345', request_uuid: 'r' })).toEqual({ user: 'john12345', requestUuid: 'r' });
    expect(parseBalance({ token: 't', request_uuid: 'r', game_code: 'g' }).user).toBeNull();
  });

  it('finds request_uuid to echo even in a refused body', () => {
    expect(requestUuidOf({ request_uuid: 'r', amount: 'x' })).toBe('r');
    expect(requestUuidOf(null)).toBeNull();
  });
});
