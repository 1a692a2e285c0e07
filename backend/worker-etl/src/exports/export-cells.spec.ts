import { csvField, csvLine } from './csv-export';
import { checkedValue, escapeFormula } from './export-cells';
import { exportQuery } from './export-query';

describe('export cells', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+31 6', "'+31 6"],
    ['-x', "'-x"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['plain = text', 'plain = text'],
    ['', ''],
  ])('escapes formula-looking text %p as %p', (text, escaped) => {
    expect(escapeFormula(text)).toBe(escaped);
  });

  it('quotes a CSV field only when RFC 4180 needs it, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvLine(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
  });

  it('keeps typed values that match their shape and refuses the others', () => {
    const money = { name: 'm', label: 'M', type: 'money' as const };
    expect(checkedValue(money, '-9223372036854775808')).toBe('-9223372036854775808');
    expect(checkedValue(money, null)).toBeNull();
    for (const bad of ['1.5', '=1', '9223372036854775808', 12]) {
      expect(() => checkedValue(money, bad)).toThrow('REPORT_EXPORT_ROW_INVALID');
    }
    const date = { name: 'd', label: 'D', type: 'date' as const };
    expect(() => checkedValue(date, '0000-00-00')).toThrow('REPORT_EXPORT_ROW_INVALID');
  });

  it('selects every column as ClickHouse text, datetimes in UTC', () => {
    expect(
      exportQuery('SELECT a, t FROM x', [
        { name: 'a', label: 'A', type: 'money' },
        { name: 't', label: 'T', type: 'datetime' },
      ]),
    ).toBe(
      "SELECT toString(`a`) AS `a`, formatDateTime(`t`, '%Y-%m-%dT%H:%M:%SZ', 'UTC') AS `t` FROM (SELECT a, t FROM x)",
    );
  });
});
