import { DomainError } from '@casino/contracts';
import {
  allowedValuesOf,
  isAttributeDimension,
  isTimeDimension,
  type AttributeDimensionName,
  type DimensionName,
} from '../catalogue/report-dimensions';
import { BASE_SOURCE, isMeasure, MEASURES, type MeasureName } from '../catalogue/report-measures';
import { REPORT_SOURCES, type ReportSourceName } from '../catalogue/report-sources';

export interface ReportQueryInput {
  measures: string[];
  dimensions?: string[];
  filters?: { dimension: string; operator: 'equals' | 'in'; values: string[] }[];
  timeZone: string;
  dateRange: { from: string; to: string };
}

/** A query checked against the catalogue: only known names, normalized (sorted, deduplicated). */
export interface ReportQuery {
  measures: MeasureName[];
  dimensions: DimensionName[];
  filters: { dimension: AttributeDimensionName; values: string[] }[];
  timeZone: string;
  /** Inclusive local dates (YYYY-MM-DD) in `timeZone`. */
  dateRange: { from: string; to: string };
}

const MAX_RANGE_DAYS = 3700;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function validateReportQuery(input: ReportQueryInput): ReportQuery {
  const measures = unique(input.measures).map((name) => {
    if (!isMeasure(name)) throw new DomainError('REPORT_MEASURE_UNKNOWN', `Unknown measure ${JSON.stringify(name)}`);
    return name;
  });
  const dimensions = unique(input.dimensions ?? []).map((name) => {
    if (!isTimeDimension(name) && !isAttributeDimension(name)) {
      throw new DomainError('REPORT_DIMENSION_UNKNOWN', `Unknown dimension ${JSON.stringify(name)}`);
    }
    return name;
  });
  const filters = normalizeFilters(input.filters ?? []);
  const query: ReportQuery = {
    measures,
    dimensions,
    filters,
    timeZone: validTimeZone(input.timeZone),
    dateRange: validRange(input.dateRange),
  };
  assertApplicable(query);
  assertOneCurrencyPerNumber(query);
  return query;
}

/** The sources (rollups) a query's measures read. */
export function sourcesOf(measures: readonly MeasureName[]): ReportSourceName[] {
  return unique(measures.flatMap((name) => MEASURES[name].bases.map((base) => BASE_SOURCE[base])));
}

function normalizeFilters(filters: NonNullable<ReportQueryInput['filters']>): ReportQuery['filters'] {
  const byDimension = new Map<AttributeDimensionName, string[]>();
  for (const filter of filters) {
    if (isTimeDimension(filter.dimension)) {
      throw new DomainError('REPORT_FILTER_INVALID', 'Time is filtered by dateRange, not by a filter');
    }
    if (!isAttributeDimension(filter.dimension)) {
      throw new DomainError('REPORT_DIMENSION_UNKNOWN', `Unknown dimension ${JSON.stringify(filter.dimension)}`);
    }
    if (filter.values.length === 0 || (filter.operator === 'equals' && filter.values.length !== 1)) {
      throw new DomainError('REPORT_FILTER_INVALID', `"equals" takes one value and "in" at least one`);
    }
    const allowed = allowedValuesOf(filter.dimension);
    if (allowed && filter.values.some((value) => !allowed.includes(value))) {
      throw new DomainError(
        'REPORT_FILTER_INVALID',
        `A ${filter.dimension} filter takes only ${allowed.map((value) => JSON.stringify(value)).join(', ')}`,
        {
          dimension: filter.dimension,
        },
      );
    }
    if (byDimension.has(filter.dimension)) {
      throw new DomainError('REPORT_FILTER_INVALID', `Dimension ${filter.dimension} is filtered twice`);
    }
    byDimension.set(filter.dimension, unique(filter.values));
  }
  return [...byDimension].map(([dimension, values]) => ({ dimension, values })).sort(by((f) => f.dimension));
}

function assertApplicable(query: ReportQuery): void {
  const used = [...query.dimensions.filter(isAttributeDimension), ...query.filters.map((filter) => filter.dimension)];
  for (const source of sourcesOf(query.measures)) {
    const missing = used.find((dimension) => !REPORT_SOURCES[source].columns[dimension]);
    if (missing) {
      const measures = query.measures.filter((name) => sourcesOf([name]).includes(source));
      throw new DomainError(
        'REPORT_DIMENSION_NOT_APPLICABLE',
        `Dimension ${missing} does not apply to ${measures.join(', ')}`,
        { dimension: missing, measures },
      );
    }
  }
}

/** Money of two currencies is never one number: currency groups the rows, or one currency is filtered. */
function assertOneCurrencyPerNumber(query: ReportQuery): void {
  if (!query.measures.some((name) => MEASURES[name].kind !== 'count')) return;
  if (query.dimensions.includes('currency')) return;
  const currency = query.filters.find((filter) => filter.dimension === 'currency');
  if (currency?.values.length === 1) return;
  throw new DomainError(
    'REPORT_CURRENCY_REQUIRED',
    'Money measures need "currency" among the dimensions or a filter on exactly one currency',
  );
}

export function validTimeZone(zone: string): string {
  // The shape is checked before Intl so that nothing but a plain zone name reaches SQL, even escaped.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(zone) || !isKnownZone(zone)) {
    throw new DomainError('REPORT_TIME_ZONE_INVALID', `Unknown IANA time zone ${JSON.stringify(zone)}`);
  }
  return zone;
}

function isKnownZone(zone: string): boolean {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone.length > 0;
  } catch {
    return false;
  }
}

function validRange(range: { from: string; to: string }): { from: string; to: string } {
  const from = parseDate(range.from);
  const to = parseDate(range.to);
  if (from === null || to === null || to < from || (to - from) / 86_400_000 > MAX_RANGE_DAYS) {
    throw new DomainError(
      'REPORT_DATE_RANGE_INVALID',
      `dateRange needs valid dates (YYYY-MM-DD), from <= to, at most ${MAX_RANGE_DAYS} days`,
    );
  }
  return { from: range.from, to: range.to };
}

function parseDate(text: string): number | null {
  if (!DATE.test(text)) return null;
  const time = Date.parse(`${text}T00:00:00Z`);
  return Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== text ? null : time;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)].sort();
}

function by<T>(key: (value: T) => string): (a: T, b: T) => number {
  return (a, b) => key(a).localeCompare(key(b));
}
