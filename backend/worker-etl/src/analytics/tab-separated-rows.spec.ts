import { WALLET_TRANSACTIONS } from './fact-tables';
import { tabSeparatedRows } from './tab-separated-rows';

describe('tabSeparatedRows', () => {
  it('writes one line per row, values in the order of the columns, strings escaped', () => {
    const rows = [
      { id: 'a', at: 1765150000, note: 'tab\there' },
      { id: 'b\\', at: 0, note: 'new\nline\r' },
    ];
    expect(tabSeparatedRows(rows, ['note', 'id', 'at'])).toBe('tab\\there\ta\t1765150000\nnew\\nline\\r\tb\\\\\t0\n');
    expect(tabSeparatedRows([], ['id'])).toBe('');
  });

  it('refuses a value that is neither a string nor an integer rather than load a wrong one', () => {
    for (const bad of [1.5, undefined, null, 2 ** 53, { a: 1 }]) {
      expect(() => tabSeparatedRows([{ id: bad }], ['id'])).toThrow(TypeError);
    }
  });

  it('sends every column of wallet_transactions, each once', () => {
    expect(WALLET_TRANSACTIONS.columns).toHaveLength(18);
    expect(new Set(WALLET_TRANSACTIONS.columns).size).toBe(18);
    expect(WALLET_TRANSACTIONS.columns).toContain('payment_method');
    expect(WALLET_TRANSACTIONS.columns).toContain(WALLET_TRANSACTIONS.key);
  });
});
