import { gamingRollupFor, offsetMinutes } from './gaming-rollup';

describe('gamingRollupFor', () => {
  const november = { from: '2026-11-01', to: '2026-11-30' };
  const everything = new Map([
    ['gaming_1h', 0],
    ['gaming_1d', 0],
  ]);

  it('reads offsets as minutes, DST included', () => {
    expect(offsetMinutes('Asia/Kolkata', Date.UTC(2026, 10, 1))).toBe(330);
    expect(offsetMinutes('Europe/Berlin', Date.UTC(2026, 6, 1))).toBe(120);
    expect(offsetMinutes('America/St_Johns', Date.UTC(2026, 0, 1))).toBe(-210);
    expect(offsetMinutes('UTC', Date.UTC(2026, 0, 1))).toBe(0);
  });

  it('takes whole days for UTC, whole hours for an hour-offset zone across DST, 15 minutes otherwise', () => {
    expect(gamingRollupFor({ dateRange: november, timeZone: 'UTC' }, everything)).toBe('gaming_1d');
    expect(
      gamingRollupFor({ dateRange: { from: '2026-03-01', to: '2026-04-30' }, timeZone: 'Europe/Berlin' }, everything),
    ).toBe('gaming_1h');
    expect(gamingRollupFor({ dateRange: november, timeZone: 'Asia/Kolkata' }, everything)).toBe('gaming_15m');
    expect(gamingRollupFor({ dateRange: november, timeZone: 'Asia/Kathmandu' }, everything)).toBe('gaming_15m');
  });

  it('is not UTC-daily for London, whose summer is an hour off', () => {
    expect(
      gamingRollupFor({ dateRange: { from: '2026-01-01', to: '2026-01-31' }, timeZone: 'Europe/London' }, everything),
    ).toBe('gaming_1d');
    expect(
      gamingRollupFor({ dateRange: { from: '2026-03-01', to: '2026-04-30' }, timeZone: 'Europe/London' }, everything),
    ).toBe('gaming_1h');
  });

  it('reads a coarse rollup only for a range it holds every fact of', () => {
    const since = Date.parse('2026-11-15T00:00:00Z') / 1000;
    const partial = new Map([
      ['gaming_1h', since],
      ['gaming_1d', since],
    ]);
    expect(gamingRollupFor({ dateRange: november, timeZone: 'UTC' }, partial)).toBe('gaming_15m');
    expect(gamingRollupFor({ dateRange: { from: '2026-11-16', to: '2026-11-30' }, timeZone: 'UTC' }, partial)).toBe(
      'gaming_1d',
    );
    expect(gamingRollupFor({ dateRange: november, timeZone: 'UTC' }, new Map())).toBe('gaming_15m');
  });
});
