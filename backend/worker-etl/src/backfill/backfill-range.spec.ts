import { BackfillRangeError, parseBackfillRange, windowsOf } from './backfill-range';

const HOUR = 3_600_000;

describe('etl:backfill range arguments', () => {
  it.each([
    [['--from', '2026-03-01', '--to', '2026-03-07'], { from: '2026-03-01', to: '2026-03-07' }],
    [['--to', '2024-02-29', '--from', '2024-02-29'], { from: '2024-02-29', to: '2024-02-29' }],
  ])('reads %j', (args, range) => {
    expect(parseBackfillRange(args)).toEqual(range);
  });

  it.each([
    [[], '--from is required'],
    [['--from', '2026-03-01'], '--to is required'],
    [['--from', '--to', '2026-03-01'], 'unknown argument "2026-03-01"'],
    [['--from', '2026-03-01', '--to', '--from'], '--to is required'],
    [['--from', '2026-3-1', '--to', '2026-03-02'], '--from "2026-3-1" is not a calendar day YYYY-MM-DD'],
    [['--from', '2025-02-29', '--to', '2025-03-02'], '--from "2025-02-29" is not a calendar day YYYY-MM-DD'],
    [['--from', '2026-03-01', '--to', '2026-13-01'], '--to "2026-13-01" is not a calendar day YYYY-MM-DD'],
    [['--from', '2026-03-02', '--to', '2026-03-01'], '--from 2026-03-02 is after --to 2026-03-01'],
    [['--from', '2026-03-01', '--to', '2026-03-02', '--from', '2026-03-01'], '--from is given twice'],
    [['--from', '2016-03-01', '--to', '2026-03-09'], 'the range spans 3661 days, more than 3660'],
    [['--days', '3'], 'unknown argument "--days"'],
  ])('refuses %j: %s', (args, problem) => {
    expect(() => parseBackfillRange(args)).toThrow(BackfillRangeError);
    expect(() => parseBackfillRange(args)).toThrow(`${problem} (usage: etl:backfill --from YYYY-MM-DD`);
  });

  it('walks the range in windows that cover it exactly, the last one cut at the end of --to', () => {
    const windows = windowsOf({ from: '2026-03-01', to: '2026-03-02' }, 5 * HOUR);
    expect(windows).toHaveLength(10);
    expect(windows[0]).toEqual({ start: '2026-03-01T00:00:00.000Z', end: '2026-03-01T05:00:00.000Z' });
    expect(windows.at(-1)).toEqual({ start: '2026-03-02T21:00:00.000Z', end: '2026-03-03T00:00:00.000Z' });
    for (let index = 1; index < windows.length; index += 1) {
      expect(windows[index]?.start).toBe(windows[index - 1]?.end);
    }
  });
});
