import { fingerprintOf } from './fingerprint';
import type { BetCommand, RollbackCommand } from './game-wallet.types';

const bet: BetCommand = {
  kind: 'bet',
  provider: { id: 'p', code: 'hub88' },
  token: 't1',
  userId: 'u',
  checkExpiry: true,
  transactionId: 'tx-1',
  gameCode: 'g1',
  currency: 'EUR',
  amount: 100n,
  round: 'r1',
  roundClosed: false,
  isFree: false,
  isPromo: false,
  details: { request_uuid: 'a' },
};

describe('fingerprintOf (reference §4.2)', () => {
  it('is the same for a retry with another request_uuid, token or details', () => {
    expect(fingerprintOf({ ...bet, token: 't2', details: { request_uuid: 'b' } }, 'u')).toBe(fingerprintOf(bet, 'u'));
  });

  it.each([
    ['amount', { amount: 101n }],
    ['currency', { currency: 'USD' }],
    ['round', { round: 'r2' }],
    ['game', { gameCode: 'g2' }],
  ])('changes with the %s', (_label, change) => {
    expect(fingerprintOf({ ...bet, ...change }, 'u')).not.toBe(fingerprintOf(bet, 'u'));
  });

  it('changes with the player and the kind', () => {
    expect(fingerprintOf(bet, 'v')).not.toBe(fingerprintOf(bet, 'u'));
    const rollback: RollbackCommand = { ...bet, kind: 'rollback', referenceTransactionId: 'tx-0' };
    expect(fingerprintOf(rollback, 'u')).not.toBe(fingerprintOf(bet, 'u'));
    expect(fingerprintOf({ ...rollback, referenceTransactionId: 'tx-9' }, 'u')).not.toBe(fingerprintOf(rollback, 'u'));
  });
});
