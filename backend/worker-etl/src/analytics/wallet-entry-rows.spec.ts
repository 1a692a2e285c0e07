import type { WalletTransactionCompletedEvent } from '@casino/contracts';
import { walletEntryRows } from './wallet-entry-rows';

describe('walletEntryRows', () => {
  it('turns each ledger entry into a row, keeping amounts as exact minor-unit strings', () => {
    const event = {
      id: 'e1',
      type: 'wallet.transaction.completed',
      version: 1,
      occurredAt: '2026-11-27T09:40:01.999Z',
      aggregateId: 'w1',
      payload: {
        walletId: 'w1',
        userId: 'u1',
        transactionId: 't1',
        transactionType: 'bet',
        currency: 'EUR',
        amount: '9007199254740993',
        entries: [
          { accountId: 'cash', accountKind: 'player_cash', amount: '-9007199254740993', currency: 'EUR' },
          { accountId: 'game', accountKind: 'game_settlement', amount: '9007199254740993', currency: 'EUR' },
        ],
        balanceAfter: { cash: '0', bonus: '0', held: '0', available: '0', currency: 'EUR' },
      },
    } as WalletTransactionCompletedEvent;

    const rows = walletEntryRows(event);

    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      event_id: 'e1',
      occurred_at: Date.UTC(2026, 10, 27, 9, 40, 1) / 1000,
      transaction_id: 't1',
      transaction_type: 'bet',
      wallet_id: 'w1',
      user_id: 'u1',
      account_id: 'cash',
      account_kind: 'player_cash',
      currency: 'EUR',
      amount: '-9007199254740993',
    });
    expect(rows.reduce((sum, row) => sum + BigInt(row.amount), 0n)).toBe(0n);
  });
});
