/** UTC days, inclusive: `from` 00:00 up to the end of `to`. */
export interface BackfillRange {
  from: string;
  to: string;
}

/** The arguments do not name a range; the message says what is wrong and how to write it. */
export class BackfillRangeError extends Error {
  public constructor(problem: string) {
    super(`${problem} (usage: etl:backfill --from YYYY-MM-DD --to YYYY-MM-DD, UTC days, inclusive)`);
    this.name = 'BackfillRangeError';
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** A range longer than this is more likely a typo (a wrong year) than a rebuild someone meant. */
const MAX_DAYS = 3660;

function dayOf(flag: string, value: string | undefined): string {
  if (value === undefined || value.startsWith('--')) throw new BackfillRangeError(`${flag} is required`);
  // Date rolls 2026-02-30 over to March (and 2026-13-01 is no date): a day is valid only when it prints back the same.
  const day = new Date(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== value) {
    throw new BackfillRangeError(`${flag} ${JSON.stringify(value)} is not a calendar day YYYY-MM-DD`);
  }
  return value;
}

/** `--from YYYY-MM-DD --to YYYY-MM-DD`, both required, `from` not after `to`; nothing else is accepted. */
export function parseBackfillRange(args: readonly string[]): BackfillRange {
  const values = new Map<string, string | undefined>();
  for (let index = 0; index < args.length; index += 2) {
    const flag = args[index] ?? '';
    if (flag !== '--from' && flag !== '--to') throw new BackfillRangeError(`unknown argument ${JSON.stringify(flag)}`);
    if (values.has(flag)) throw new BackfillRangeError(`${flag} is given twice`);
    values.set(flag, args[index + 1]);
  }
  const range = { from: dayOf('--from', values.get('--from')), to: dayOf('--to', values.get('--to')) };
  const days = (Date.parse(range.to) - Date.parse(range.from)) / DAY_MS + 1;
  if (days < 1) throw new BackfillRangeError(`--from ${range.from} is after --to ${range.to}`);
  if (days > MAX_DAYS) throw new BackfillRangeError(`the range spans ${days} days, more than ${MAX_DAYS}`);
  return range;
}

/** The range as consecutive windows of `windowMs` (the last one cut at the end of `to`), as ISO instants. */
export function windowsOf(range: BackfillRange, windowMs: number): { start: string; end: string }[] {
  const end = Date.parse(`${range.to}T00:00:00Z`) + DAY_MS;
  const windows: { start: string; end: string }[] = [];
  for (let at = Date.parse(`${range.from}T00:00:00Z`); at < end; at += windowMs) {
    windows.push({ start: new Date(at).toISOString(), end: new Date(Math.min(at + windowMs, end)).toISOString() });
  }
  return windows;
}
