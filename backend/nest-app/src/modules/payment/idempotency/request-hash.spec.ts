import { requestHash } from './payment-idempotency';

describe('requestHash (the parameters an Idempotency-Key is bound to)', () => {
  const withdrawal = { operation: 'withdrawal', amount: '3000', currency: 'EUR', provider: 'sandbox' };

  it('is the same whatever the order of the parameters, and whether an absent one is left out or undefined', () => {
    // A DTO compiled by tsc (define semantics) carries `method: undefined`; the same DTO under swc does not.
    const reordered = { provider: 'sandbox', currency: 'EUR', amount: '3000', operation: 'withdrawal' };
    expect(requestHash({ ...withdrawal, method: undefined })).toBe(requestHash(withdrawal));
    expect(requestHash(reordered)).toBe(requestHash(withdrawal));
  });

  it('differs when any parameter differs, or one is added', () => {
    expect(requestHash({ ...withdrawal, amount: '3001' })).not.toBe(requestHash(withdrawal));
    expect(requestHash({ ...withdrawal, method: 'card' })).not.toBe(requestHash(withdrawal));
    expect(requestHash({ ...withdrawal, operation: 'deposit' })).not.toBe(requestHash(withdrawal));
  });
});
