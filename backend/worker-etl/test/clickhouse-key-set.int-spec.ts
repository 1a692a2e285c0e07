import { loadWorkerConfig } from '../src/config/load-worker-config';
import { ClickHouseKeySet, KEY_SET, tabSeparatedField } from '../src/analytics/clickhouse-key-set';

/**
 * The keyed look-up and the players look-up send a batch's keys as ClickHouse external data (TabSeparated): each key
 * must reach ClickHouse exactly as it is, whatever it holds, and never as SQL.
 */
describe('ClickHouseKeySet (integration, ClickHouse 18.16)', () => {
  const config = loadWorkerConfig({});
  const keySet = new ClickHouseKeySet({
    url: config.CLICKHOUSE_URL,
    database: 'system',
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  });

  it('escapes exactly the characters TabSeparated reads as separators or escapes', () => {
    expect(tabSeparatedField('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(tabSeparatedField('quote \' and " stay')).toBe('quote \' and " stay');
  });

  it('hands every key to the query unchanged, hostile ones included', async () => {
    const keys = [
      '2f1c1a9e-0000-4000-8000-000000000001',
      "it's') OR 1=1 --",
      'tab\there',
      'new\nline',
      'back\\slash\\',
      'carriage\rreturn',
      '\\N',
      'ünïcödé ✓',
      '',
    ];
    const rows = await keySet.rows<{ k: string }>(`SELECT k FROM ${KEY_SET}`, keys);
    expect(rows.map((row) => row.k)).toEqual(keys);
  });

  it('answers IN keys with the keys that match, and nothing for an empty set', async () => {
    const rows = await keySet.rows<{ name: string }>(
      `SELECT name FROM databases WHERE name IN ${KEY_SET} ORDER BY name`,
      ['system', 'no such database', "system' OR '1'='1"],
    );
    expect(rows).toEqual([{ name: 'system' }]);
    expect(await keySet.rows(`SELECT k FROM ${KEY_SET}`, [])).toEqual([]);
  });

  it('fails with ClickHouse’s message on a bad query rather than answering nothing', async () => {
    await expect(keySet.rows(`SELECT k FROM no_such_table WHERE k IN ${KEY_SET}`, ['a'])).rejects.toThrow(
      /ClickHouse 404|ClickHouse 500|doesn't exist/,
    );
  });

  it('names why ClickHouse could not be reached', async () => {
    const unreachable = new ClickHouseKeySet({
      url: 'http://127.0.0.1:59998',
      database: 'system',
      username: 'u',
      password: 'p',
    });
    await expect(unreachable.rows(`SELECT k FROM ${KEY_SET}`, ['a'])).rejects.toThrow(
      /^ClickHouse request failed: .*ECONNREFUSED/,
    );
  });
});
