/** A local date (YYYY-MM-DD) in `timeZone` at `now`. */
export function localDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** True when the range reaches yesterday or later in its zone: late events may still land in those days. */
export function touchesOpenDays(range: { to: string }, timeZone: string, now: Date): boolean {
  const today = localDate(now, timeZone);
  const yesterday = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return range.to >= yesterday;
}
