import { identifier, renderValue, sql, UnsafeSqlError } from './sql';

describe('renderValue', () => {
  it.each<[string, Parameters<typeof renderValue>[0], string]>([
    ['null', null, 'NULL'],
    ['true', true, '1'],
    ['a bigint beyond 2^53', 9007199254740993n, '9007199254740993'],
    ['a negative integer', -42, '-42'],
    ['a plain string', 'EUR', "'EUR'"],
    ['a quote', "O'Brien", "'O\\'Brien'"],
    ['a backslash before a quote', "\\'; DROP TABLE x; --", "'\\\\\\'; DROP TABLE x; --'"],
    ['control characters', 'a\nb\tc\0', "'a\\nb\\tc\\0'"],
    ['unicode', 'zł €', "'zł €'"],
    ['an array', ['a', 1, null], "['a', 1, NULL]"],
    ['a date', new Date('2026-11-27T08:46:00.123Z'), "toDateTime('2026-11-27 08:46:00', 'UTC')"],
  ])('renders %s', (_label, value, expected) => {
    expect(renderValue(value)).toBe(expected);
  });

  it.each([NaN, Infinity, -Infinity])('refuses %s', (value) => {
    expect(() => renderValue(value)).toThrow(UnsafeSqlError);
  });

  it('refuses an invalid date', () => {
    expect(() => renderValue(new Date('nope'))).toThrow(UnsafeSqlError);
  });
});

describe('identifier', () => {
  it('allows a whitelisted name', () => {
    expect(sql`SELECT ${identifier('amount', ['amount'])} FROM t`).toBe('SELECT `amount` FROM t');
  });

  it.each(['amount` FROM secrets --', 'other', '1abc'])('refuses %s', (name) => {
    expect(() => identifier(name, ['amount', '1abc', 'amount` FROM secrets --'])).toThrow(UnsafeSqlError);
  });
});

describe('sql', () => {
  it('renders every value through renderValue', () => {
    expect(sql`SELECT * FROM t WHERE a = ${"x'y"} AND b IN ${[1n, 2n]} LIMIT ${10}`).toBe(
      "SELECT * FROM t WHERE a = 'x\\'y' AND b IN [1, 2] LIMIT 10",
    );
  });
});
