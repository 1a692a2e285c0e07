import { DomainError } from '@casino/contracts';
import { failureOf } from './game-wallet-failure';

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
