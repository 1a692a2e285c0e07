import { DomainError } from '@casino/contracts';
import { failureOf, storedFailure } from './game-wallet-failure';

describe('failureOf', () => {
  it.each([
    ['INSUFFICIENT_FUNDS', 'NOT_ENOUGH_MONEY'],
    ['IDEMPOTENCY_KEY_REUSED', 'DUPLICATE_TRANSACTION'],
    ['TRANSACTION_NOT_FOUND', 'TRANSACTION_NOT_FOUND'],
    ['ALREADY_ROLLED_BACK', 'TRANSACTION_ROLLED_BACK'],
    ['CURRENCY_MISMATCH', 'WRONG_CURRENCY'],
    ['RG_SELF_EXCLUDED', 'USER_DISABLED'],
    ['RG_TIMED_OUT', 'USER_DISABLED'],
    ['RG_LOSS_LIMIT_REACHED', 'LIMIT_REACHED'],
    ['RG_SESSION_LIMIT_REACHED', 'LIMIT_REACHED'],
  ])('maps %s to %s', (code, failure) => {
    expect(failureOf(new DomainError(code, 'x'))).toBe(failure);
  });

  it('does not turn unexpected errors into business outcomes', () => {
    expect(failureOf(new Error('connection reset'))).toBeNull();
    expect(failureOf(new DomainError('INTERNAL_ERROR', 'x'))).toBeNull();
  });
});

describe('storedFailure', () => {
  it('reads back a known outcome as itself', () => {
    expect(storedFailure('NOT_ENOUGH_MONEY')).toBe('NOT_ENOUGH_MONEY');
    expect(storedFailure('LIMIT_REACHED')).toBe('LIMIT_REACHED');
  });

  it('answers anything else as UNKNOWN, never as success', () => {
    expect(storedFailure(null)).toBe('UNKNOWN');
    expect(storedFailure('INSUFFICIENT_FUNDS')).toBe('UNKNOWN');
    expect(storedFailure('')).toBe('UNKNOWN');
  });
});
