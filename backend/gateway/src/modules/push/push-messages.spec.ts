import { pushOf } from './push-messages';

const envelope = (type: string, payload: unknown) => ({
  id: 'event-1',
  type,
  occurredAt: '2026-12-07T10:00:00.123Z',
  payload,
});

describe('pushOf', () => {
  it('turns wallet.transaction.completed into balance.changed for the wallet owner, amounts as strings', () => {
    const push = pushOf(
      envelope('wallet.transaction.completed', {
        walletId: 'w1',
        userId: 'u1',
        transactionId: 't1',
        transactionType: 'bet',
        currency: 'EUR',
        amount: '9007199254740993',
        entries: [{ accountId: 'a', accountKind: 'cash', amount: '-1', currency: 'EUR' }],
        balanceAfter: { cash: '10', bonus: '0', held: '5', available: '5', currency: 'EUR' },
        idempotencyScope: 'hub88',
      }),
    );
    expect(push).toMatchObject({ userId: 'u1', occurredAtMs: Date.parse('2026-12-07T10:00:00.123Z') });
    expect(JSON.parse(push?.json ?? '')).toEqual({
      type: 'balance.changed',
      eventId: 'event-1',
      occurredAt: '2026-12-07T10:00:00.123Z',
      transaction: { id: 't1', type: 'bet', amount: '9007199254740993', currency: 'EUR' },
      balance: { cash: '10', bonus: '0', held: '5', available: '5', currency: 'EUR' },
    });
  });

  it('turns every payment.intent.* event into payment.status_changed', () => {
    const push = pushOf(
      envelope('payment.intent.failed', {
        intentId: 'i1',
        userId: 'u2',
        kind: 'withdrawal',
        provider: 'stripe',
        amount: '2500',
        currency: 'GBP',
        status: 'failed',
        previousStatus: 'processing',
        cause: 'webhook:payout.failed',
        providerReference: 'po_secret_ref',
      }),
    );
    expect(push?.userId).toBe('u2');
    expect(JSON.parse(push?.json ?? '')).toEqual({
      type: 'payment.status_changed',
      eventId: 'event-1',
      occurredAt: '2026-12-07T10:00:00.123Z',
      intentId: 'i1',
      kind: 'withdrawal',
      status: 'failed',
      previousStatus: 'processing',
      amount: '2500',
      currency: 'GBP',
    });
  });

  it('pushes nothing for other events or unreadable ones', () => {
    expect(pushOf(envelope('wallet.hold.placed', { userId: 'u1' }))).toBeNull();
    expect(pushOf(envelope('wallet.transaction.completed', { walletId: 'w1' }))).toBeNull();
    expect(pushOf({ ...envelope('payment.intent.created', { userId: 'u1' }), occurredAt: 'yesterday' })).toBeNull();
  });
});
