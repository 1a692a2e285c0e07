import { checkedCron, checkedRecipients } from './report-schedule-rules';

describe('schedule rules', () => {
  const now = new Date('2026-12-07T08:00:00Z');

  it('takes five-field crons firing at most hourly, normalized', () => {
    expect(checkedCron(' 0  7 * * 1 ', 'Europe/Berlin', now)).toBe('0 7 * * 1');
    expect(checkedCron('15 * * * *', 'UTC', now)).toBe('15 * * * *');
  });

  it.each([
    ['*/5 * * * *', 'REPORT_SCHEDULE_TOO_FREQUENT'],
    ['0,30 * * * *', 'REPORT_SCHEDULE_TOO_FREQUENT'],
    ['0 0 7 * * 1', 'REPORT_SCHEDULE_CRON_INVALID'],
    ['61 * * * *', 'REPORT_SCHEDULE_CRON_INVALID'],
    ['@daily', 'REPORT_SCHEDULE_CRON_INVALID'],
    ["0 7 * * 1'; DROP", 'REPORT_SCHEDULE_CRON_INVALID'],
  ])('refuses %j with %s', (cron, code) => {
    expect(() => checkedCron(cron, 'UTC', now)).toThrow(expect.objectContaining({ code }));
  });

  it('takes recipients of the allowed domains only, lower-cased and once', () => {
    expect(checkedRecipients(['Finance@Example.test', 'finance@example.test'], ['example.test'])).toEqual([
      'finance@example.test',
    ]);
    for (const address of ['boss@example.test.evil.test', 'a@evil.test', 'no-at-sign', 'a b@example.test']) {
      expect(() => checkedRecipients([address], ['example.test'])).toThrow(
        expect.objectContaining({ code: 'REPORT_SCHEDULE_RECIPIENT_REFUSED' }),
      );
    }
  });
});
