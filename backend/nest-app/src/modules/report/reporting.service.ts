import { DomainError, type ReportExportFormat, type ReportExportNotifyV1 } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { AuditLog } from '../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../common/http/request-origin';
import { Clock } from '../../common/time/clock';
import { AppConfig } from '../../config/app-config';
import { ATTRIBUTE_DIMENSIONS, TIME_DIMENSIONS } from './catalogue/report-dimensions';
import { isReportName, REPORTS } from './catalogue/report-definitions';
import { MEASURES } from './catalogue/report-measures';
import { touchesOpenDays } from './query/report-freshness';
import { validateReportQuery, type ReportQuery, type ReportQueryInput } from './query/report-query';
import { ReportExportsService } from './exports';
import { exportColumns, exportDescription, exportIdFor } from './report-export-plan';
import { ReportCache } from './report-cache';
import type { ScheduleDefinition } from './schedules/report-schedule.types';
import { ReportRunner, type ReportRows } from './report-runner';

export interface ReportResult extends ReportRows {
  query: ReportQuery;
  report: string | null;
  /** True when the range reaches yesterday or later in its zone: the figures may still change. */
  provisional: boolean;
  cached: boolean;
  generatedAt: string;
}

export interface ReportActor {
  user: AuthenticatedUser;
  origin: RequestOrigin;
}

export interface ReportExportOptions {
  format: ReportExportFormat;
  /** The named report's name, for the description; null for an ad-hoc query. */
  report: string | null;
  exportId?: string;
  notify?: ReportExportNotifyV1;
}

/** A result as the cache holds it: everything but `cached`, which each answer says for itself. */
type StoredResult = Omit<ReportResult, 'cached'>;

/** A run's result as stored (JSON of a `StoredResult`, UTF-8), and as an object when it was just computed. */
interface ReportAnswer {
  cached: boolean;
  stored: Buffer;
  fresh: StoredResult | null;
}

function resultOf(answer: ReportAnswer): ReportResult {
  const stored = answer.fresh ?? (JSON.parse(answer.stored.toString('utf8')) as StoredResult);
  return { ...stored, cached: answer.cached };
}

const CACHED_TRUE = Buffer.from('{"cached":true,');
const CACHED_FALSE = Buffer.from('{"cached":false,');

/** The stored JSON with `cached` put in front (after its `{`): an object's members are unordered, no parse needed. */
function jsonOf(answer: ReportAnswer): Buffer {
  return Buffer.concat([answer.cached ? CACHED_TRUE : CACHED_FALSE, answer.stored.subarray(1)]);
}

/** An export of an ad-hoc query, or of a named report over a date range. */
export interface ReportExportInput {
  format: ReportExportFormat;
  query?: ReportQueryInput;
  report?: string;
  dateRange?: ReportQueryInput['dateRange'];
}

/** The semantic layer's entry point: the catalogue, ad-hoc queries and named reports, cached and audited. */
@Injectable()
export class ReportingService {
  public constructor(
    private readonly runner: ReportRunner,
    private readonly cache: ReportCache,
    private readonly auditLog: AuditLog,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly exports: ReportExportsService,
  ) {}

  public catalogue() {
    return {
      measures: Object.entries(MEASURES).map(([name, m]) => ({
        name,
        title: m.title,
        kind: m.kind,
        description: m.description,
      })),
      dimensions: [
        ...Object.entries(TIME_DIMENSIONS).map(([name, d]) => ({ name, title: d.title, time: true })),
        ...Object.entries(ATTRIBUTE_DIMENSIONS).map(([name, d]) => ({ name, title: d.title, time: false })),
      ],
      reports: Object.entries(REPORTS).map(([name, r]) => ({
        name,
        title: r.title,
        description: r.description,
        query: { ...r.query, measures: [...r.query.measures], dimensions: [...r.query.dimensions] },
      })),
    };
  }

  public async query(actor: ReportActor, input: ReportQueryInput): Promise<ReportResult> {
    return resultOf(await this.execute(actor, null, validateReportQuery(input)));
  }

  public async report(
    actor: ReportActor,
    name: string,
    dateRange: ReportQueryInput['dateRange'],
  ): Promise<ReportResult> {
    return resultOf(await this.execute(actor, name, namedQuery(name, dateRange)));
  }

  /** `query` as the API's JSON (UTF-8): a cached result is sent on as stored, never parsed and serialized again. */
  public async queryJson(actor: ReportActor, input: ReportQueryInput): Promise<Buffer> {
    return jsonOf(await this.execute(actor, null, validateReportQuery(input)));
  }

  /** `report` as the API's JSON text. */
  public async reportJson(actor: ReportActor, name: string, dateRange: ReportQueryInput['dateRange']): Promise<Buffer> {
    return jsonOf(await this.execute(actor, name, namedQuery(name, dateRange)));
  }

  /** Queues an export of the query's rows (the same statement as the API's, without its row limit); returns its id. */
  /** With an idempotency key, a retry names the same export (one per staff member and key) and queues it once. */
  public export(actor: ReportActor, input: ReportExportInput, idempotencyKey?: string): Promise<string> {
    return this.exportQuery(actor, exportedQuery(input), {
      format: input.format,
      report: input.report ?? null,
      ...(idempotencyKey === undefined ? {} : { exportId: exportIdFor(actor.user.userId, idempotencyKey) }),
    });
  }

  /** A validated query (or a named report's) for these dates: what a scheduled run exports. */
  public queryFor(
    definition: ScheduleDefinition,
    timeZone: string,
    dateRange: ReportQueryInput['dateRange'],
  ): ReportQuery {
    if ('report' in definition) return namedQuery(definition.report, dateRange);
    return validateReportQuery({ ...definition.query, timeZone, dateRange });
  }

  public async exportQuery(actor: ReportActor, query: ReportQuery, options: ReportExportOptions): Promise<string> {
    return this.exports.request({
      sql: (await this.runner.exportStatement(query)).sql,
      columns: exportColumns(query),
      format: options.format,
      requestedBy: actor.user,
      origin: actor.origin,
      description: exportDescription(query, options.report),
      exportId: options.exportId,
      notify: options.notify,
    });
  }

  private async execute(actor: ReportActor, report: string | null, query: ReportQuery): Promise<ReportAnswer> {
    const key = ReportCache.keyOf({ query, report, taxRates: this.config.REPORT_GAMING_TAX_RATES });
    const stored = await this.cache.getBytes(key);
    await this.audit(actor, report, query, stored !== null);
    if (stored !== null) return { cached: true, stored, fresh: null };
    const now = this.clock.now();
    const provisional = touchesOpenDays(query.dateRange, query.timeZone, now);
    const fresh: StoredResult = {
      query,
      report,
      ...(await this.runner.run(query)),
      provisional,
      generatedAt: now.toISOString(),
    };
    const bytes = Buffer.from(JSON.stringify(fresh));
    const ttl = provisional ? this.config.REPORT_CACHE_OPEN_TTL_SECONDS : this.config.REPORT_CACHE_CLOSED_TTL_SECONDS;
    await this.cache.setBytes(key, bytes, ttl);
    return { cached: false, stored: bytes, fresh };
  }

  private audit(actor: ReportActor, report: string | null, query: ReportQuery, cached: boolean): Promise<void> {
    return this.auditLog.recordRead({
      actorId: actor.user.userId,
      actorRoles: actor.user.roles,
      action: 'report.query',
      targetType: 'report',
      targetId: report,
      ip: actor.origin.ip,
      userAgent: actor.origin.userAgent,
      requestId: actor.origin.requestId,
      details: { query, cached },
    });
  }
}

function namedQuery(name: string, dateRange: ReportQueryInput['dateRange']): ReportQuery {
  if (!isReportName(name)) throw new DomainError('REPORT_UNKNOWN', `Unknown report ${JSON.stringify(name)}`);
  const fixed = REPORTS[name].query;
  return validateReportQuery({
    measures: [...fixed.measures],
    dimensions: [...fixed.dimensions],
    filters: fixed.filters.map((filter) => ({ ...filter, values: [...filter.values] })),
    timeZone: fixed.timeZone,
    dateRange,
  });
}

function exportedQuery(input: ReportExportInput): ReportQuery {
  if (input.query && input.report === undefined && input.dateRange === undefined) {
    return validateReportQuery(input.query);
  }
  if (input.report !== undefined && input.dateRange && input.query === undefined) {
    return namedQuery(input.report, input.dateRange);
  }
  throw new DomainError(
    'REPORT_EXPORT_REQUEST_INVALID',
    'An export names either a query, or a report with its dateRange',
  );
}
