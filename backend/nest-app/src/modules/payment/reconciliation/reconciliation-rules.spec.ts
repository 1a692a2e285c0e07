import type { PaymentIntent } from '../intents/payment-intent.types';
import { compareWithWallet, type PaymentWalletMovement } from './reconciliation-rules';

// Rules: ../shared/reference/payments.md (a captured deposit is credited exactly once; a withdrawal's hold is
// captured when paid out, released when it fails).
function intent(patch: Partial<PaymentIntent> & Pick<PaymentIntent, 'id' | 'kind' | 'status'>): PaymentIntent {
  const at = new Date('2026-12-07T10:00:00Z');
  return {
    userId: 'u-1',
    provider: 'sandbox',
    method: null,
    amount: 2500n,
    currency: 'EUR',
    providerReference: null,
    nextAction: null,
    failureCode: null,
    failureMessage: null,
    approvalRequired: false,
    approvedBy: null,
    approvedAt: null,
    walletHoldId: null,
    walletTransactionId: null,
    settledAt: null,
    lastProviderEventAt: null,
    createdAt: at,
    updatedAt: at,
    ...patch,
  };
}

const move = (intentId: string, type: string, transactionId: string, amount = 2500n): PaymentWalletMovement => ({
  intentId,
  type,
  transactionId,
  amount,
});

const kinds = (mismatches: ReturnType<typeof compareWithWallet>): string[] =>
  mismatches.map((found) => `${found.intentId}:${found.kind}`).sort();

describe('compareWithWallet', () => {
  it('finds nothing when every settled intent moved its money once', () => {
    const intents = [
      intent({ id: 'd-1', kind: 'deposit', status: 'succeeded' }),
      intent({ id: 'w-paid', kind: 'withdrawal', status: 'succeeded', walletHoldId: 'h-1' }),
      intent({ id: 'w-failed', kind: 'withdrawal', status: 'failed', walletHoldId: 'h-2' }),
      intent({ id: 'w-early', kind: 'withdrawal', status: 'failed' }),
    ];
    const movements = [
      move('d-1', 'deposit', 't-1'),
      move('w-paid', 'hold_capture', 't-2', -2500n),
      move('w-failed', 'hold_release', 't-3'),
    ];
    expect(compareWithWallet(intents, movements)).toEqual([]);
  });

  it('reports a deposit credited twice, not one credit', () => {
    const intents = [intent({ id: 'd-1', kind: 'deposit', status: 'succeeded' })];
    const movements = [move('d-1', 'deposit', 't-1'), move('d-1', 'deposit', 't-2')];
    const found = compareWithWallet(intents, movements);
    expect(kinds(found)).toEqual(['d-1:wallet_movement_duplicated']);
    expect(found[0]?.details).toMatchObject({ type: 'deposit', transactionIds: 't-1,t-2' });
  });

  it('reports a withdrawal captured twice and one released twice', () => {
    const intents = [
      intent({ id: 'w-paid', kind: 'withdrawal', status: 'succeeded', walletHoldId: 'h-1' }),
      intent({ id: 'w-failed', kind: 'withdrawal', status: 'canceled', walletHoldId: 'h-2' }),
    ];
    const movements = [
      move('w-paid', 'hold_capture', 't-1'),
      move('w-paid', 'hold_capture', 't-2'),
      move('w-failed', 'hold_release', 't-3'),
      move('w-failed', 'hold_release', 't-4'),
    ];
    expect(kinds(compareWithWallet(intents, movements))).toEqual([
      'w-failed:wallet_movement_duplicated',
      'w-paid:wallet_movement_duplicated',
    ]);
  });

  it('reports a failed withdrawal whose hold was never released (the money stays held)', () => {
    const intents = [intent({ id: 'w-failed', kind: 'withdrawal', status: 'failed', walletHoldId: 'h-2' })];
    const found = compareWithWallet(intents, []);
    expect(kinds(found)).toEqual(['w-failed:wallet_movement_missing']);
    expect(found[0]?.details).toMatchObject({ expected: 'hold_release' });
  });

  it('still reports a credit without success and a succeeded intent without its movement', () => {
    const intents = [
      intent({ id: 'd-open', kind: 'deposit', status: 'processing' }),
      intent({ id: 'd-paid', kind: 'deposit', status: 'succeeded' }),
    ];
    expect(kinds(compareWithWallet(intents, [move('d-open', 'deposit', 't-1')]))).toEqual([
      'd-open:wallet_credit_without_success',
      'd-paid:wallet_movement_missing',
    ]);
  });
});
