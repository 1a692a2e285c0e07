export type AdjustmentStatus = 'pending' | 'approved' | 'rejected' | 'failed';

/** A staff wallet adjustment: a request that a second staff member decides when above the threshold. */
export interface AdjustmentRequest {
  id: string;
  walletId: string;
  userId: string;
  currency: string;
  amount: bigint;
  balance: 'cash' | 'bonus';
  reason: string;
  status: AdjustmentStatus;
  makerId: string;
  requestHash: string;
  checkerId: string | null;
  decisionReason: string | null;
  transactionId: string | null;
  failureCode: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  /** created_at as PostgreSQL prints it (the keyset cursor's exact value). */
  cursorAt: string;
}

export interface NewAdjustmentRequest {
  walletId: string;
  userId: string;
  currency: string;
  amount: bigint;
  balance: 'cash' | 'bonus';
  reason: string;
  makerId: string;
  makerKey: string;
  requestHash: string;
}

export interface AdjustmentListFilter {
  status?: AdjustmentStatus;
  walletId?: string;
  after: { at: string; id: string } | null;
  limit: number;
}
