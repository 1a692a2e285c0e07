import type { ProviderPayment, ProviderPayout } from '../psp/payment-provider';
import { paymentChange, payoutChange } from './payment-provider-record-change';

const READ_AT = new Date('2025-01-02T03:04:05Z');
const PAGE = { type: 'redirect' as const, url: 'https://psp.example/pay/pi_1' };

function payment(overrides: Partial<ProviderPayment>): ProviderPayment {
  return {
    reference: 'pi_1',
    status: 'requires_payment_method',
    amount: 2500n,
    currency: 'EUR',
    intentId: null,
    nextAction: PAGE,
    lastFailure: null,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    ...overrides,
  };
}

function payout(status: ProviderPayout['status']): ProviderPayout {
  const failure = status === 'failed' ? { code: 'account_closed', message: 'closed' } : null;
  return { reference: 'po_1', status, amount: 900n, currency: 'EUR', intentId: null, failure, createdAt: READ_AT };
}

describe('a record read again at the provider, as its webhook would map it', () => {
  it('a payment keeps its status, its page and the time of the read', () => {
    expect(paymentChange(payment({}), READ_AT)).toEqual({
      object: 'payment',
      reference: 'pi_1',
      amount: 2500n,
      currency: 'EUR',
      occurredAt: READ_AT,
      target: 'requires_payment_method',
      failure: null,
      nextAction: PAGE,
    });
  });

  it('a final decline fails the payment with its reason; a soft one leaves it to the payer, with the reason', () => {
    const stolen = { code: 'stolen_card', message: 'Your card was declined.' };
    expect(paymentChange(payment({ lastFailure: { ...stolen, final: true } }), READ_AT)).toMatchObject({
      target: 'failed',
      failure: stolen,
    });
    const soft = { code: 'insufficient_funds', message: 'Insufficient funds.' };
    expect(paymentChange(payment({ lastFailure: { ...soft, final: false } }), READ_AT)).toMatchObject({
      target: 'requires_payment_method',
      failure: soft,
    });
  });

  it("ignores an earlier attempt's failure once the payment moved on", () => {
    const lastFailure = { code: 'stolen_card', message: 'declined', final: true };
    expect(paymentChange(payment({ status: 'succeeded', lastFailure, nextAction: null }), READ_AT)).toMatchObject({
      target: 'succeeded',
      failure: null,
    });
  });

  it('a payout: paid succeeds, failed and canceled fail with the reason, pending is not ended', () => {
    expect(payoutChange(payout('paid'), READ_AT)).toMatchObject({ object: 'payout', target: 'succeeded' });
    expect(payoutChange(payout('failed'), READ_AT)).toMatchObject({
      target: 'failed',
      failure: { code: 'account_closed', message: 'closed' },
    });
    expect(payoutChange(payout('canceled'), READ_AT)).toMatchObject({ target: 'failed' });
    expect(payoutChange(payout('pending'), READ_AT)).toBeNull();
  });
});
