import { DomainError } from '@casino/contracts';
import { CronExpressionParser } from 'cron-parser';

/** A schedule fires at most this often: reports are of closed periods, not a polling loop. */
export const MIN_SCHEDULE_INTERVAL_MS = 3_600_000;

const FIVE_FIELDS = /^\S+( \S+){4}$/;
const EMAIL = /^[^\s@<>,;"]{1,64}@([a-z0-9.-]{1,253})$/;

/** A five-field cron expression that fires, in the zone, no more often than once an hour. */
export function checkedCron(cron: string, timeZone: string, now: Date): string {
  const expression = cron.trim().replace(/\s+/g, ' ');
  if (!FIVE_FIELDS.test(expression)) {
    throw new DomainError('REPORT_SCHEDULE_CRON_INVALID', 'The cron expression needs five fields (minute to weekday)');
  }
  let times: number[];
  try {
    const interval = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: now });
    times = [interval.next().getTime(), interval.next().getTime(), interval.next().getTime()];
  } catch {
    throw new DomainError('REPORT_SCHEDULE_CRON_INVALID', `Not a cron expression: ${JSON.stringify(cron)}`);
  }
  if (times[1] - times[0] < MIN_SCHEDULE_INTERVAL_MS || times[2] - times[1] < MIN_SCHEDULE_INTERVAL_MS) {
    throw new DomainError('REPORT_SCHEDULE_TOO_FREQUENT', 'A schedule fires at most once an hour');
  }
  return expression;
}

/** Lower-cased, deduplicated addresses, each in one of the allowed domains. */
export function checkedRecipients(recipients: readonly string[], domains: readonly string[]): string[] {
  const addresses = [...new Set(recipients.map((address) => address.trim().toLowerCase()))];
  for (const address of addresses) {
    const domain = EMAIL.exec(address)?.[1];
    if (!domain || !domains.includes(domain)) {
      throw new DomainError(
        'REPORT_SCHEDULE_RECIPIENT_REFUSED',
        `Scheduled reports go to addresses of ${domains.join(', ')} only`,
        { recipient: address },
      );
    }
  }
  return addresses;
}
