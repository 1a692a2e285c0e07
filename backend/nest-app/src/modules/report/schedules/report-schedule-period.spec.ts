import { periodBefore } from './report-schedule-period';

describe('periodBefore', () => {
  // 2026-12-07 is a Monday; 23:30 UTC on the 6th is already the 7th in Berlin.
  const monday = new Date('2026-12-07T08:00:00Z');

  it('gives yesterday, last week, last month and last quarter as inclusive local dates', () => {
    expect(periodBefore('previous_day', monday, 'UTC')).toEqual({ from: '2026-12-06', to: '2026-12-06' });
    expect(periodBefore('previous_week', monday, 'UTC')).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(periodBefore('previous_month', monday, 'UTC')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(periodBefore('previous_quarter', monday, 'UTC')).toEqual({ from: '2026-07-01', to: '2026-09-30' });
  });

  it('reads "today" in the schedule\'s zone', () => {
    const lateSunday = new Date('2026-12-06T23:30:00Z');
    expect(periodBefore('previous_day', lateSunday, 'UTC')).toEqual({ from: '2026-12-05', to: '2026-12-05' });
    expect(periodBefore('previous_day', lateSunday, 'Europe/Berlin')).toEqual({ from: '2026-12-06', to: '2026-12-06' });
    expect(periodBefore('previous_week', lateSunday, 'UTC')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(periodBefore('previous_week', lateSunday, 'Europe/Berlin')).toEqual({
      from: '2026-11-30',
      to: '2026-12-06',
    });
  });

  it('crosses year ends and leap days', () => {
    const january = new Date('2028-01-15T12:00:00Z');
    expect(periodBefore('previous_month', january, 'UTC')).toEqual({ from: '2027-12-01', to: '2027-12-31' });
    expect(periodBefore('previous_quarter', january, 'UTC')).toEqual({ from: '2027-10-01', to: '2027-12-31' });
    expect(periodBefore('previous_month', new Date('2028-03-01T12:00:00Z'), 'UTC')).toEqual({
      from: '2028-02-01',
      to: '2028-02-29',
    });
  });
});
