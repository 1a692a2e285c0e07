import { DomainError } from '@casino/contracts';
import { validateAdjust, validatePlaceBet, validateRollback } from './wallet.validation';

const walletId = '6f9619ff-8b86-4d11-b42d-00c04fc964ff';
const bet = {
  wallet: { walletId },
  currency: 'EUR',
  amount: 100n,
  provider: 'hub88',
  idempotency: { scope: 'hub88', key: 'k-1' },
};

function fieldsOf(run: () => void): string[] {
  try {
    run();
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    return ((error as DomainError).details?.['fields'] as { field: string }[]).map((field) => field.field);
  }
}

describe('wallet command validation', () => {
  it('accepts a well-formed bet', () => {
    expect(fieldsOf(() => validatePlaceBet(bet))).toEqual([]);
  });

  it('names every malformed field', () => {
    const bad = {
      ...bet,
      wallet: { walletId: 'not-a-uuid' },
      currency: 'eur',
      amount: 100 as unknown as bigint,
      provider: 'Hub 88',
      idempotency: { scope: '', key: 'x'.repeat(201) },
      funding: 'cash_only' as unknown as 'cash_first',
      metadata: { round: 7 as unknown as string },
    };
    expect(fieldsOf(() => validatePlaceBet(bad)).sort()).toEqual(
      [
        'amount',
        'currency',
        'funding',
        'idempotency.key',
        'idempotency.scope',
        'metadata',
        'provider',
        'wallet',
      ].sort(),
    );
  });

  it('refuses amounts outside PostgreSQL bigint', () => {
    expect(fieldsOf(() => validatePlaceBet({ ...bet, amount: 2n ** 63n }))).toEqual(['amount']);
  });

  it('needs a UUID or a key to find what a rollback reverses', () => {
    const base = { idempotency: { scope: 'hub88', key: 'rb-1' } };
    expect(fieldsOf(() => validateRollback({ ...base, target: { transactionId: 'nope' } }))).toEqual([
      'target.transactionId',
    ]);
    expect(
      fieldsOf(() => validateRollback({ ...base, target: { idempotency: { scope: 'hub88', key: 'tx-1' } } })),
    ).toEqual([]);
  });

  it('needs a reason and a staff member for an adjustment', () => {
    const adjustment = { ...bet, reason: '  ', actor: { userId: walletId, roles: [] } };
    expect(fieldsOf(() => validateAdjust(adjustment))).toEqual(['reason']);
  });
});
