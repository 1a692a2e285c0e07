import { apiRequest } from './http-client';
import type {
  AdjustmentRequest,
  Dashboard,
  KycDecision,
  PlayerSummary,
  ReportCatalogue,
  ReportDateRange,
  ReportExportStatus,
  ReportQuery,
  ReportResult,
  StaffMe,
  StaffNote,
} from './types';

export interface AdjustmentDraft {
  walletId: string;
  /** Integer minor units, signed, as a string. */
  amount: string;
  balance: 'cash' | 'bonus';
  reason: string;
}

/** An export of an ad-hoc query, or of a saved (named) report over dates. */
export type ReportExportDraft =
  { format: string; query: ReportQuery } | { format: string; report: string; dateRange: ReportDateRange };

/** What staff do beyond lists and edits: each is one API call, named after the action. */
export const staffActions = {
  me: (): Promise<StaffMe> => apiRequest<StaffMe>('/admin/me'),

  dashboard: (): Promise<Dashboard> => apiRequest<Dashboard>('/admin/dashboard'),

  /** One key per request: a retried click replays the same request instead of asking twice. */
  requestAdjustment: (draft: AdjustmentDraft, idempotencyKey: string): Promise<AdjustmentRequest> =>
    apiRequest<AdjustmentRequest>('/admin/adjustments', {
      method: 'POST',
      body: draft,
      headers: { 'idempotency-key': idempotencyKey },
    }),

  decideAdjustment: (id: string, decision: 'approve' | 'reject', reason: string): Promise<AdjustmentRequest> =>
    apiRequest<AdjustmentRequest>(`/admin/adjustments/${encodeURIComponent(id)}/${decision}`, {
      method: 'POST',
      body: { reason },
    }),

  decideWithdrawal: (id: string, decision: 'approve' | 'reject', reason: string): Promise<unknown> =>
    apiRequest(`/admin/payments/withdrawals/${encodeURIComponent(id)}/decision`, {
      method: 'POST',
      body: { decision, reason },
    }),

  decideKyc: (userId: string, decision: KycDecision): Promise<unknown> =>
    apiRequest(`/admin/users/${encodeURIComponent(userId)}/kyc/decision`, { method: 'POST', body: decision }),

  setPlayerBlocked: (userId: string, blocked: boolean, reason: string): Promise<PlayerSummary> =>
    apiRequest<PlayerSummary>(`/admin/players/${encodeURIComponent(userId)}/${blocked ? 'block' : 'unblock'}`, {
      method: 'POST',
      body: { reason },
    }),

  addNote: (userId: string, text: string): Promise<StaffNote> =>
    apiRequest<StaffNote>(`/admin/players/${encodeURIComponent(userId)}/notes`, { method: 'POST', body: { text } }),

  reportCatalogue: (): Promise<ReportCatalogue> => apiRequest<ReportCatalogue>('/reports/catalogue'),

  runReportQuery: (query: ReportQuery): Promise<ReportResult> =>
    apiRequest<ReportResult>('/reports/query', { method: 'POST', body: query }),

  runNamedReport: (name: string, dateRange: ReportDateRange): Promise<ReportResult> =>
    apiRequest<ReportResult>(`/reports/named/${encodeURIComponent(name)}`, { method: 'POST', body: { dateRange } }),

  requestReportExport: (draft: ReportExportDraft, idempotencyKey: string): Promise<{ id: string }> =>
    apiRequest<{ id: string }>('/reports/exports', {
      method: 'POST',
      body: draft,
      headers: { 'idempotency-key': idempotencyKey },
    }),

  reportExportStatus: (id: string): Promise<ReportExportStatus> =>
    apiRequest<ReportExportStatus>(`/reports/exports/${encodeURIComponent(id)}`),

  /** Sets the queue board's short-lived, path-scoped cookie (ADR 0027) and says where the board is. */
  openQueueBoard: (): Promise<{ url: string; expiresInSeconds: number }> =>
    apiRequest<{ url: string; expiresInSeconds: number }>('/admin/queues/board-session', { method: 'POST' }),

  setGameEnabled: (gameId: string, enabled: boolean): Promise<unknown> =>
    apiRequest(`/admin/games/${encodeURIComponent(gameId)}/${enabled ? 'enable' : 'disable'}`, { method: 'POST' }),
};

export type StaffActions = typeof staffActions;
