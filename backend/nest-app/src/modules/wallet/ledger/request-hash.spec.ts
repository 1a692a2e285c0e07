import type { LedgerCommand } from './ledger.types';
import { canonicalJson, requestHashOf } from './request-hash';

const bet = (overrides: Partial<Extract<LedgerCommand, { type: 'bet' }>> = {}): LedgerCommand => ({
  type: 'bet',
  wallet: { walletId: '6f9619ff-8b86-4d11-b42d-00c04fc964ff' },
  currency: 'EUR',
  amount: 250n,
  provider: 'hub88',
  idempotency: { scope: 'hub88', key: 'tx-1' },
  metadata: { round: 'r-1', game: 'g-7' },
  transactionId: 'a',
  eventId: 'b',
  ...overrides,
});

describe('requestHashOf', () => {
  it('is the same for a retry, whatever ids, correlation or key order it carries', () => {
    const retry = bet({
      transactionId: 'c',
      eventId: 'd',
      correlationId: 'corr',
      metadata: { game: 'g-7', round: 'r-1' },
    });
    expect(requestHashOf(retry)).toBe(requestHashOf(bet()));
  });

  it('changes with anything the request asks for', () => {
    const original = requestHashOf(bet());
    expect(requestHashOf(bet({ amount: 251n }))).not.toBe(original);
    expect(requestHashOf(bet({ currency: 'USD' }))).not.toBe(original);
    expect(requestHashOf(bet({ provider: 'other' }))).not.toBe(original);
    expect(requestHashOf(bet({ funding: 'bonus_only' }))).not.toBe(original);
    expect(requestHashOf(bet({ metadata: { round: 'r-2', game: 'g-7' } }))).not.toBe(original);
    expect(requestHashOf({ ...bet(), type: 'win' } as LedgerCommand)).not.toBe(original);
  });

  it('ignores the generated hold id of a hold, so that a retried hold is the same request', () => {
    const hold = (newHoldId: string): LedgerCommand => ({
      type: 'hold',
      newHoldId,
      wallet: { userId: '6f9619ff-8b86-4d11-b42d-00c04fc964ff' },
      currency: 'EUR',
      amount: 1n,
      provider: 'psp',
      idempotency: { scope: 'payment', key: 'w-1' },
      transactionId: newHoldId,
      eventId: newHoldId,
    });
    expect(requestHashOf(hold('x'))).toBe(requestHashOf(hold('y')));
  });

  it('is a 64-character hex SHA-256', () => {
    expect(requestHashOf(bet())).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, writes bigints as strings and leaves out undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: 2n, c: undefined, b: [1, { z: 1, y: 2 }] } })).toBe(
      '{"a":{"b":[1,{"y":2,"z":1}],"d":"2"},"b":1}',
    );
  });

  it('tells a number from a string and 9007199254740993n from its rounded neighbour', () => {
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    expect(canonicalJson(9007199254740993n)).not.toBe(canonicalJson(9007199254740992n));
  });
});
