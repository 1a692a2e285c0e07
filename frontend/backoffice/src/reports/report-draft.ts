import type { ReportCatalogue, ReportDateRange, ReportFilter, ReportQuery } from '../api/types';

/** A filter row as typed: its values one text, comma-separated. */
export interface FilterDraft {
  dimension: string;
  operator: ReportFilter['operator'];
  values: string;
}

/** What the screen's form holds: a saved report (`report`), or a query built from the catalogue. */
export interface ReportDraft {
  /** A saved report's name; '' when the query is built by hand. */
  report: string;
  measures: string[];
  dimensions: string[];
  filters: FilterDraft[];
  timeZone: string;
  dateRange: ReportDateRange;
}

/** What was run, so an export asks for exactly the rows on screen even if the form has changed since. */
export type ReportRun =
  { kind: 'query'; query: ReportQuery } | { kind: 'report'; name: string; dateRange: ReportDateRange };

/** A new form: the last full calendar month (closed days, so not provisional) in the browser's time zone. */
export function emptyDraft(today: Date = new Date()): ReportDraft {
  const year = today.getFullYear();
  const month = today.getMonth();
  const first = new Date(Date.UTC(year, month - 1, 1));
  const last = new Date(Date.UTC(year, month, 0));
  return {
    report: '',
    measures: [],
    dimensions: [],
    filters: [],
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    dateRange: { from: isoDate(first), to: isoDate(last) },
  };
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Picking a saved report shows its fixed query in the form (read-only); only the dates stay the caller's. */
export function withSavedReport(draft: ReportDraft, catalogue: ReportCatalogue, name: string): ReportDraft {
  const saved = catalogue.reports.find((report) => report.name === name);
  if (!saved) return { ...draft, report: '' };
  return {
    ...draft,
    report: name,
    measures: saved.query.measures ?? [],
    dimensions: saved.query.dimensions ?? [],
    filters: (saved.query.filters ?? []).map((filter) => ({ ...filter, values: filter.values.join(', ') })),
    timeZone: saved.query.timeZone ?? draft.timeZone,
  };
}

/** The request the draft stands for. Names and values are checked by the API, which says what is wrong. */
export function runOf(draft: ReportDraft): ReportRun {
  if (draft.report) return { kind: 'report', name: draft.report, dateRange: draft.dateRange };
  return {
    kind: 'query',
    query: {
      measures: draft.measures,
      dimensions: draft.dimensions,
      filters: draft.filters.map((filter) => ({
        dimension: filter.dimension,
        operator: filter.operator,
        values: filter.values
          .split(',')
          .map((value) => value.trim())
          .filter((value) => value !== ''),
      })),
      timeZone: draft.timeZone.trim(),
      dateRange: draft.dateRange,
    },
  };
}
