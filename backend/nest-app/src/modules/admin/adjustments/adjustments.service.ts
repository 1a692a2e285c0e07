import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { WalletService } from '../../wallet';
import { decodeCursor, pageOf } from '../shared/keyset-cursor';
import type { StaffActor } from '../shared/staff-actor';
import { StaffAudit } from '../shared/staff-audit';
import type { AdjustmentRequest, AdjustmentStatus } from './adjustment-request.types';
import { AdjustmentRequestsRepository } from './adjustment-requests.repository';

export interface AdjustmentInput {
  walletId: string;
  amount: bigint;
  balance: 'cash' | 'bonus';
  reason: string;
}

/** The ledger key of a request's one transaction: a retried or concurrent posting moves the money once. */
const LEDGER_SCOPE = 'adjustment-request';

/**
 * Maker-checker for manual wallet adjustments (ADR 0018). Within `ADJUSTMENT_APPROVAL_THRESHOLD` the maker's request
 * posts at once; above it, it waits for a different staff member with the `adjustments.decide` permission, who
 * approves (exactly one ledger transaction, keyed on the request id) or rejects it (nothing moves). Every step is
 * audited with actor, reason and before/after.
 */
@Injectable()
export class AdjustmentsService {
  public constructor(
    private readonly requests: AdjustmentRequestsRepository,
    private readonly wallets: WalletService,
    private readonly audit: StaffAudit,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Idempotent on (maker, key): a retry answers the same request; the same key with another body is refused. */
  public async request(actor: StaffActor, input: AdjustmentInput, key: string): Promise<AdjustmentRequest> {
    const wallet = await this.wallets.wallet(input.walletId);
    const requestHash = hashOf(input);
    const created = await this.dataSource.transaction(async (manager) => {
      const row = await this.requests.insertIfAbsent(manager, {
        ...input,
        userId: wallet.userId,
        currency: wallet.balances.currency,
        makerId: actor.user.userId,
        makerKey: key,
        requestHash,
      });
      if (row) {
        await this.audit.record(
          actor,
          { ...auditOf('adjustment.request', row), before: null, reason: row.reason },
          manager,
        );
      }
      return row;
    });
    const request = created ?? (await this.requests.findByMakerKey(actor.user.userId, key));
    if (!request) throw new Error('adjustment request neither inserted nor found');
    if (request.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another adjustment');
    }
    if (this.withinThreshold(request.amount)) return this.approveWithinThreshold(actor, request);
    return request;
  }

  public async approve(actor: StaffActor, id: string, reason: string): Promise<AdjustmentRequest> {
    const request = await this.get(id);
    await this.assertNotMaker(actor, request, 'approve');
    const decided = await this.decide(actor, request, 'approved', reason);
    return this.post(actor, decided ?? (await this.resumable(actor, id)));
  }

  public async reject(actor: StaffActor, id: string, reason: string): Promise<AdjustmentRequest> {
    const request = await this.get(id);
    await this.assertNotMaker(actor, request, 'reject');
    const decided = await this.decide(actor, request, 'rejected', reason);
    if (!decided) throw notPending(await this.get(id));
    return decided;
  }

  public async list(filter: {
    status?: AdjustmentStatus;
    walletId?: string;
    cursor?: string;
    limit?: number;
  }): Promise<{ rows: AdjustmentRequest[]; nextCursor: string | null }> {
    const limit = filter.limit ?? 50;
    const rows = await this.requests.list({ ...filter, after: decodeCursor(filter.cursor), limit });
    return pageOf(rows, limit, (row) => row.id);
  }

  public countPending(): Promise<number> {
    return this.requests.countPending();
  }

  public async get(id: string): Promise<AdjustmentRequest> {
    const request = await this.requests.findById(id);
    if (!request) throw new DomainError('ADJUSTMENT_NOT_FOUND', 'No such adjustment request', { id });
    return request;
  }

  private withinThreshold(amount: bigint): boolean {
    return (amount < 0n ? -amount : amount) <= this.config.adjustmentApprovalThreshold;
  }

  private async approveWithinThreshold(actor: StaffActor, request: AdjustmentRequest): Promise<AdjustmentRequest> {
    if (request.status === 'pending') {
      const decided = await this.dataSource.transaction(async (manager) => {
        const row = await this.requests.decide(manager, request.id, {
          status: 'approved',
          checkerId: null,
          reason: 'within ADJUSTMENT_APPROVAL_THRESHOLD',
          at: this.clock.now(),
        });
        if (row) await this.audit.record(actor, decisionAudit('adjustment.auto_approve', request, row, null), manager);
        return row;
      });
      return this.post(actor, decided ?? (await this.get(request.id)));
    }
    return request.status === 'approved' && request.transactionId === null ? this.post(actor, request) : request;
  }

  private async decide(
    actor: StaffActor,
    request: AdjustmentRequest,
    status: 'approved' | 'rejected',
    reason: string,
  ): Promise<AdjustmentRequest | null> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.requests.decide(manager, request.id, {
        status,
        checkerId: actor.user.userId,
        reason,
        at: this.clock.now(),
      });
      const action = status === 'approved' ? 'adjustment.approve' : 'adjustment.reject';
      if (row) await this.audit.record(actor, decisionAudit(action, request, row, reason), manager);
      return row;
    });
  }

  /**
   * An approved request whose posting did not finish (a crash, a lost answer) is posted again by its checker: the
   * ledger key makes that the same one transaction.
   */
  private async resumable(actor: StaffActor, id: string): Promise<AdjustmentRequest> {
    const request = await this.get(id);
    if (request.status === 'approved' && request.transactionId === null && request.checkerId === actor.user.userId) {
      return request;
    }
    throw notPending(request);
  }

  /** The request's one ledger transaction; a refusal of the ledger (funds) fails the request, audited. */
  private async post(actor: StaffActor, request: AdjustmentRequest): Promise<AdjustmentRequest> {
    if (request.status !== 'approved' || request.transactionId !== null) return request;
    try {
      const result = await this.wallets.adjust({
        wallet: { walletId: request.walletId },
        currency: request.currency,
        amount: request.amount,
        reason: request.reason,
        balance: request.balance,
        idempotency: { scope: LEDGER_SCOPE, key: request.id },
        metadata: { adjustmentRequestId: request.id },
        actor: {
          userId: actor.user.userId,
          roles: actor.user.roles,
          requestId: actor.origin.requestId,
          ip: actor.origin.ip,
        },
      });
      return (await this.requests.markPosted(request.id, result.transactionId)) ?? (await this.get(request.id));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.dataSource.transaction(async (manager) => {
        const failed = await this.requests.markFailed(manager, request.id, error.code);
        if (failed) await this.audit.record(actor, decisionAudit('adjustment.fail', request, failed, null), manager);
      });
      throw error;
    }
  }

  private async assertNotMaker(actor: StaffActor, request: AdjustmentRequest, verb: string): Promise<void> {
    if (request.makerId !== actor.user.userId) return;
    await this.audit.record(actor, {
      action: 'adjustment.self_decision_refused',
      targetType: 'adjustment_request',
      targetId: request.id,
      reason: null,
      before: { status: request.status },
      after: { status: request.status },
      details: { attempted: verb },
    });
    throw new DomainError('ADJUSTMENT_SELF_APPROVAL', 'A different staff member must decide this adjustment');
  }
}

function hashOf(input: AdjustmentInput): string {
  const canonical = JSON.stringify([input.walletId, input.amount.toString(), input.balance, input.reason]);
  return createHash('sha256').update(canonical).digest('hex');
}

function notPending(request: AdjustmentRequest): DomainError {
  return new DomainError('ADJUSTMENT_NOT_PENDING', 'This adjustment request is already decided', {
    status: request.status,
  });
}

function snapshot(request: AdjustmentRequest): Record<string, unknown> {
  return {
    status: request.status,
    walletId: request.walletId,
    amount: request.amount.toString(),
    currency: request.currency,
    balance: request.balance,
    checkerId: request.checkerId,
  };
}

function auditOf(action: string, request: AdjustmentRequest) {
  return { action, targetType: 'adjustment_request', targetId: request.id, after: snapshot(request) };
}

function decisionAudit(action: string, before: AdjustmentRequest, after: AdjustmentRequest, reason: string | null) {
  return { ...auditOf(action, after), reason, before: snapshot(before) };
}
