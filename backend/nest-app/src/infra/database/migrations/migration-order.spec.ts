import { readdirSync } from 'node:fs';
import { MIGRATIONS } from './index';

/** Two branches that each add a migration must not land two with one timestamp, or one TypeORM never runs. */
describe('the migration list', () => {
  const files = readdirSync(__dirname)
    .filter((file) => /^\d{13}-.+\.ts$/.test(file))
    .sort();
  const named = MIGRATIONS.map((migration) => ({ migration, name: new migration().name ?? migration.name }));
  const timestampOf = (name: string): number => Number(/(\d{13})$/.exec(name)?.[1]);

  it('lists every migration file once, in the order of their timestamps', () => {
    expect(named.map(({ name }) => timestampOf(name))).toEqual(files.map((file) => Number(file.slice(0, 13))));
  });

  it('has strictly increasing, unique timestamps', () => {
    const timestamps = named.map(({ name }) => timestampOf(name));
    for (let index = 1; index < timestamps.length; index++) {
      expect(timestamps[index]).toBeGreaterThan(timestamps[index - 1] as number);
    }
  });

  it('names each migration after its class (TypeORM records the name in the migrations table)', () => {
    for (const { migration, name } of named) expect(name).toBe(migration.name);
  });
});
