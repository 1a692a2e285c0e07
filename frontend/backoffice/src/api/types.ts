/** Shapes of the back-office API (docs/roles.md). Money is a string of integer minor units. */
export interface StaffMe {
  userId: string;
  roles: string[];
  permissions: string[];
}

export interface AdjustmentRequest {
  id: string;
  walletId: string;
  userId: string;
  currency: string;
  amount: string;
  balance: 'cash' | 'bonus';
  reason: string;
  status: 'pending' | 'approved' | 'rejected' | 'failed';
  makerId: string;
  checkerId: string | null;
  decisionReason: string | null;
  transactionId: string | null;
  failureCode: string | null;
  createdAt: string;
  decidedAt: string | null;
}

export interface WalletSummary {
  walletId: string;
  currency: string;
  balances: { cash: string; bonus: string; held: string; available: string };
  lastTransactions: Record<string, unknown>[];
}

export interface PlayerSummary {
  id: string;
  email: string | null;
  phone: string | null;
  telegramId: string | null;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  country: string | null;
  currency: string | null;
  status: 'active' | 'blocked' | 'closed';
  kycStatus: string | null;
  selfExcluded: boolean;
  tags: string[];
  createdAt: string;
}

export interface StaffNote {
  id: string;
  text: string;
  authorId: string;
  createdAt: string;
}

export interface Player360 {
  id: string;
  profile: PlayerSummary & { birthDate?: string | null; language?: string | null; roles?: string[] };
  kyc: {
    current: { status: string; level: string | null; reason: string | null; updatedAt: string | null };
    history: Record<string, unknown>[];
  } | null;
  responsibleGaming: { limits: Record<string, Record<string, unknown>>; exclusion: Record<string, unknown> | null };
  wallets: WalletSummary[];
  payments: Record<string, unknown>[];
  gameSessions: Record<string, unknown>[];
  signInSessions: Record<string, unknown>[];
  securityEvents: Record<string, unknown>[];
  auditTrail: Record<string, unknown>[];
  notes: StaffNote[];
  tags: string[];
}

export interface SecurityFeedItem {
  id: string;
  source: string;
  kind: string;
  occurredAt: string;
  userId: string | null;
  ip: string | null;
}

export interface Dashboard {
  pendingApprovals: { adjustments: number; withdrawals: number };
  latestSecurityEvents: SecurityFeedItem[];
  kpis: ({ available: false; reason: string } | { available: true }) & Record<string, unknown>;
}

export interface KycDecision {
  status: 'verified' | 'rejected';
  level: 'basic' | 'enhanced';
  reason: string;
}

/** GET /reports/catalogue: what a report query may ask for (docs/reports.md). */
export interface ReportCatalogue {
  measures: { name: string; title: string; kind: 'money' | 'count' | 'percent'; description: string }[];
  dimensions: { name: string; title: string; time: boolean }[];
  reports: { name: string; title: string; description: string; query: Partial<ReportQuery> }[];
}

export interface ReportFilter {
  dimension: string;
  operator: 'equals' | 'in';
  values: string[];
}

export interface ReportDateRange {
  /** Inclusive local dates (YYYY-MM-DD) in the query's time zone. */
  from: string;
  to: string;
}

/** POST /reports/query's body. */
export interface ReportQuery {
  measures: string[];
  dimensions: string[];
  filters: ReportFilter[];
  timeZone: string;
  dateRange: ReportDateRange;
}

/** A report cell: money and counts as integer strings (minor units), a percent as a decimal string, null for x/0. */
export type ReportRow = Record<string, string | null>;

export interface ReportResult {
  /** The query as the API normalized and ran it (names sorted; filters without their operator). */
  query: { measures: string[]; dimensions: string[]; filters: { dimension: string; values: string[] }[] } & Omit<
    ReportQuery,
    'measures' | 'dimensions' | 'filters'
  >;
  report: string | null;
  rows: ReportRow[];
  /** Over the whole range, one per currency when currency is a dimension. */
  totals: ReportRow[];
  provisional: boolean;
  cached: boolean;
  generatedAt: string;
}

export type ReportExportState = 'queued' | 'running' | 'succeeded' | 'failed' | 'expired';

export interface ReportExportStatus {
  id: string;
  format: string;
  description: string;
  createdAt: string;
  state: ReportExportState;
  rows: string | null;
  bytes: string | null;
  failureCode: string | null;
  /** A relative, signed link that needs no token, until `expiresAt`. */
  download: { url: string; expiresAt: string } | null;
}
