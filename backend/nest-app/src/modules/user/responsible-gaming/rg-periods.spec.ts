import { addMonths, periodWindow, utcDay } from './rg-periods';

describe('responsible-gaming periods (UTC calendar)', () => {
  const at = new Date('2026-03-04T23:59:59.999Z'); // a Wednesday

  it('the day runs from midnight to midnight UTC', () => {
    expect(periodWindow('day', at)).toEqual({
      start: new Date('2026-03-04T00:00:00Z'),
      end: new Date('2026-03-05T00:00:00Z'),
    });
  });

  it('the week runs from Monday to Monday, also across a month end', () => {
    expect(periodWindow('week', at)).toEqual({
      start: new Date('2026-03-02T00:00:00Z'),
      end: new Date('2026-03-09T00:00:00Z'),
    });
    expect(periodWindow('week', new Date('2026-03-01T12:00:00Z'))).toEqual({
      start: new Date('2026-02-23T00:00:00Z'),
      end: new Date('2026-03-02T00:00:00Z'),
    });
  });

  it('the month runs from the 1st, also in December', () => {
    expect(periodWindow('month', new Date('2026-12-31T10:00:00Z'))).toEqual({
      start: new Date('2026-12-01T00:00:00Z'),
      end: new Date('2027-01-01T00:00:00Z'),
    });
  });

  it('adds calendar months, clamping to the end of a shorter month', () => {
    expect(addMonths(new Date('2026-08-31T08:30:00Z'), 6)).toEqual(new Date('2027-02-28T08:30:00Z'));
    expect(addMonths(new Date('2028-02-29T00:00:00Z'), 12)).toEqual(new Date('2029-02-28T00:00:00Z'));
    expect(addMonths(new Date('2026-03-02T10:00:00Z'), 60)).toEqual(new Date('2031-03-02T10:00:00Z'));
  });

  it('names the UTC day', () => {
    expect(utcDay(new Date('2026-03-04T23:59:59.999Z'))).toBe('2026-03-04');
  });
});
