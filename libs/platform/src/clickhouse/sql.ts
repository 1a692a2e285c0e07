/**
 * ClickHouse SQL rendering. Debian's ClickHouse 18.16 has no query parameters, so every value
 * reaches SQL through `renderValue` (the one escaping function) and every identifier through a
 * whitelist. Nothing else may concatenate user data into ClickHouse SQL.
 */
export type ClickHouseValue = string | number | bigint | boolean | Date | null | readonly ClickHouseValue[];

const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
};

export class UnsafeSqlError extends Error {}

export function renderValue(value: ClickHouseValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnsafeSqlError('Refusing a non-finite number');
    return String(value);
  }
  if (typeof value === 'string') return `'${value.replace(/[\\'\n\r\t\0\b\f]/g, (c) => ESCAPES[c] ?? c)}'`;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new UnsafeSqlError('Refusing an invalid date');
    return `toDateTime(${renderValue(toClickHouseDateTime(value))}, 'UTC')`;
  }
  if (Array.isArray(value)) return `[${value.map(renderValue).join(', ')}]`;
  throw new UnsafeSqlError(`Refusing a value of type ${typeof value}`);
}

/** `2026-11-27 08:46:00`, the DateTime text form every ClickHouse version reads. */
export function toClickHouseDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export class Identifier {
  public constructor(public readonly rendered: string) {}
}

/** A table or column name, allowed only when it is in `allowed` and plainly spelled. */
export function identifier(name: string, allowed: readonly string[]): Identifier {
  if (!allowed.includes(name) || !IDENTIFIER_PATTERN.test(name)) {
    throw new UnsafeSqlError(`Identifier ${JSON.stringify(name)} is not allowed here`);
  }
  return new Identifier(`\`${name}\``);
}

/** Tagged template: values are rendered through `renderValue`, identifiers are spliced as given. */
export function sql(strings: TemplateStringsArray, ...values: (ClickHouseValue | Identifier)[]): string {
  return strings.reduce((text, part, index) => {
    if (index === 0) return part;
    const value = values[index - 1] as ClickHouseValue | Identifier;
    return text + (value instanceof Identifier ? value.rendered : renderValue(value)) + part;
  }, '');
}
