import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UsersService } from '../../src/modules/user/users.service';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { WalletVerifier } from '../../src/modules/wallet/wallet.verifier';
import { bearer, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

interface ErrorBody {
  error: { code: string };
}

interface RequestBody {
  id: string;
  status: string;
  transactionId: string | null;
  makerId: string;
  checkerId: string | null;
  amount: string;
}

/** ../shared/reference/backoffice.md "Four eyes on money": maker-checker adjustments against the real ledger. */
describe('admin: maker-checker wallet adjustments (e2e, ADR 0018)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let db: DataSource;
  let maker: SignedIn;
  let checker: SignedIn;
  let secondChecker: SignedIn;
  let support: SignedIn;

  beforeAll(async () => {
    environment = await createTestEnvironment('admin-maker-checker', {
      ADMIN_EMAIL: adminEmail,
      ADJUSTMENT_APPROVAL_THRESHOLD: '10000',
    });
    app = await startTestApp(environment.config);
    db = app.get(DataSource);
    maker = await signInAsStaff(app, adminEmail, 'finance');
    checker = await signInAsStaff(app, adminEmail, 'finance');
    secondChecker = await signInAsStaff(app, adminEmail, 'admin');
    support = await signInAsStaff(app, adminEmail, 'support');
  });

  afterAll(async () => {
    await app?.close();
    await environment?.dispose();
  });

  /** A player's EUR wallet holding `cash` minor units (deposited through the ledger). */
  async function wallet(cash = 100_000n): Promise<string> {
    const { account } = await app
      .get(UsersService)
      .findOrRegisterByEmail(uniqueEmail('player'), { ip: null, userAgent: 'jest' });
    const wallets = app.get(WalletService);
    const view = await wallets.openWallet(account.id, 'EUR');
    await wallets.deposit({
      idempotency: { scope: 'test', key: randomUUID() },
      wallet: { walletId: view.walletId },
      currency: 'EUR',
      amount: cash,
      provider: 'test-psp',
    });
    return view.walletId;
  }

  async function cashOf(walletId: string): Promise<bigint> {
    return (await app.get(WalletService).wallet(walletId)).balances.cash;
  }

  async function adjustmentTransactions(requestId: string): Promise<number> {
    const rows = (await db.query(
      `SELECT count(*)::int AS count FROM ledger_transactions WHERE idempotency_scope = 'adjustment-request' AND idempotency_key = $1`,
      [requestId],
    )) as { count: number }[];
    return rows[0]?.count ?? 0;
  }

  function requestAdjustment(who: SignedIn, payload: object, key = randomUUID()) {
    return app.inject({
      method: 'POST',
      url: '/api/v1/admin/adjustments',
      headers: { ...bearer(who.accessToken), 'idempotency-key': key },
      payload,
    });
  }

  function decide(
    who: SignedIn,
    id: string,
    verb: 'approve' | 'reject',
    reason: unknown = 'checked against ticket 17',
  ) {
    return app.inject({
      method: 'POST',
      url: `/api/v1/admin/adjustments/${id}/${verb}`,
      headers: bearer(who.accessToken),
      payload: { reason },
    });
  }

  async function pending(walletId: string, amount = '-50000'): Promise<RequestBody> {
    const response = await requestAdjustment(maker, { walletId, amount, reason: 'chargeback of deposit 42' });
    expect(response.statusCode).toBe(201);
    const body = response.json<RequestBody>();
    expect(body).toMatchObject({ status: 'pending', transactionId: null, makerId: maker.userId, amount });
    return body;
  }

  async function auditActions(
    requestId: string,
  ): Promise<{ action: string; actor_id: string; details: Record<string, unknown> }[]> {
    return (await db.query(
      `SELECT action, actor_id, details FROM audit_log WHERE target_type = 'adjustment_request' AND target_id = $1 ORDER BY occurred_at, action`,
      [requestId],
    )) as { action: string; actor_id: string; details: Record<string, unknown> }[];
  }

  it('posts an amount within the threshold at once, once however often it is retried', async () => {
    const walletId = await wallet();
    const key = randomUUID();
    const payload = { walletId, amount: '2500', reason: 'goodwill for the outage' };
    const first = await requestAdjustment(maker, payload, key);
    const retry = await requestAdjustment(maker, payload, key);
    expect(first.statusCode).toBe(201);
    expect(first.json<RequestBody>()).toMatchObject({ status: 'approved', checkerId: null });
    expect(retry.json<RequestBody>()).toEqual(first.json<RequestBody>());
    expect(await cashOf(walletId)).toBe(102_500n);
    expect(await adjustmentTransactions(first.json<RequestBody>().id)).toBe(1);
    const reused = await requestAdjustment(maker, { ...payload, amount: '2600' }, key);
    expect(reused.json<ErrorBody>().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('keeps an amount above the threshold as a request that moves nothing until approved', async () => {
    const walletId = await wallet();
    const request = await pending(walletId);
    expect(await cashOf(walletId)).toBe(100_000n);
    expect(await adjustmentTransactions(request.id)).toBe(0);
    // The direct staff route refuses to bypass the four eyes.
    const direct = await app.inject({
      method: 'POST',
      url: `/api/v1/wallets/${walletId}/adjustments`,
      headers: { ...bearer(maker.accessToken), 'idempotency-key': randomUUID() },
      payload: { amount: '-50000', reason: 'around the checker' },
    });
    expect(direct.statusCode).toBe(422);
    expect(direct.json<ErrorBody>().error.code).toBe('ADJUSTMENT_APPROVAL_REQUIRED');
    expect(await cashOf(walletId)).toBe(100_000n);
  });

  it('refuses self-approval and self-rejection, audits the attempt, and moves nothing', async () => {
    const walletId = await wallet();
    const request = await pending(walletId);
    for (const verb of ['approve', 'reject'] as const) {
      const own = await decide(maker, request.id, verb);
      expect(own.statusCode).toBe(403);
      expect(own.json<ErrorBody>().error.code).toBe('ADJUSTMENT_SELF_APPROVAL');
    }
    const listed = await app.inject({
      method: 'GET',
      url: `/api/v1/admin/adjustments?walletId=${walletId}`,
      headers: bearer(checker.accessToken),
    });
    expect(listed.json<{ items: RequestBody[] }>().items).toEqual([
      expect.objectContaining({ id: request.id, status: 'pending' }),
    ]);
    expect(await cashOf(walletId)).toBe(100_000n);
    expect((await auditActions(request.id)).map((row) => [row.action, row.actor_id])).toEqual([
      ['adjustment.request', maker.userId],
      ['adjustment.self_decision_refused', maker.userId],
      ['adjustment.self_decision_refused', maker.userId],
    ]);
  });

  it('refuses deciders without the permission and decisions without a reason', async () => {
    const walletId = await wallet();
    const request = await pending(walletId);
    expect((await decide(support, request.id, 'approve')).json<ErrorBody>().error.code).toBe('FORBIDDEN');
    for (const reason of [null, '', 'x'.repeat(501), 42]) {
      expect((await decide(checker, request.id, 'approve', reason)).json<ErrorBody>().error.code).toBe(
        'VALIDATION_FAILED',
      );
    }
    expect(await cashOf(walletId)).toBe(100_000n);
  });

  it('moves the money once when two checkers and a retry approve at the same moment', async () => {
    const walletId = await wallet();
    const request = await pending(walletId);
    const answers = await Promise.all([
      decide(checker, request.id, 'approve'),
      decide(secondChecker, request.id, 'approve'),
      decide(checker, request.id, 'approve'),
      decide(secondChecker, request.id, 'approve'),
    ]);
    const approved = answers.filter((answer) => answer.statusCode === 200).map((answer) => answer.json<RequestBody>());
    const refused = answers.filter((answer) => answer.statusCode !== 200);
    expect(approved.length).toBeGreaterThanOrEqual(1);
    // Only the checker who won the decision can be answered with it (its own retry resumes it).
    expect(new Set(approved.map((body) => body.checkerId)).size).toBe(1);
    expect(new Set(approved.map((body) => body.transactionId)).size).toBe(1);
    for (const answer of refused) expect(answer.json<ErrorBody>().error.code).toBe('ADJUSTMENT_NOT_PENDING');
    expect(await cashOf(walletId)).toBe(50_000n);
    expect(await adjustmentTransactions(request.id)).toBe(1);
    const approvals = (await auditActions(request.id)).filter((row) => row.action === 'adjustment.approve');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]?.details).toMatchObject({
      reason: 'checked against ticket 17',
      before: { status: 'pending' },
      after: { status: 'approved' },
    });
    expect((await decide(checker, request.id, 'reject')).json<ErrorBody>().error.code).toBe('ADJUSTMENT_NOT_PENDING');
    expect(await app.get(WalletVerifier).verify()).toMatchObject({ ok: true });
  });

  it('rejects with a reason and moves nothing, for good', async () => {
    const walletId = await wallet();
    const request = await pending(walletId, '75000');
    const rejected = await decide(checker, request.id, 'reject', 'no ticket for this goodwill');
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json<RequestBody>()).toMatchObject({
      status: 'rejected',
      checkerId: checker.userId,
      transactionId: null,
    });
    const late = await decide(secondChecker, request.id, 'approve');
    expect(late.json<ErrorBody>().error.code).toBe('ADJUSTMENT_NOT_PENDING');
    expect(await cashOf(walletId)).toBe(100_000n);
    expect(await adjustmentTransactions(request.id)).toBe(0);
    expect((await auditActions(request.id)).map((row) => row.action)).toEqual([
      'adjustment.request',
      'adjustment.reject',
    ]);
  });

  it('fails an approved debit the wallet cannot cover, with its code, and moves nothing', async () => {
    const walletId = await wallet(20_000n);
    const request = await pending(walletId, '-50000');
    const answer = await decide(checker, request.id, 'approve');
    expect(answer.json<ErrorBody>().error.code).toBe('INSUFFICIENT_FUNDS');
    const listed = await app.inject({
      method: 'GET',
      url: `/api/v1/admin/adjustments?status=failed&walletId=${walletId}`,
      headers: bearer(checker.accessToken),
    });
    expect(listed.json<{ items: unknown[] }>().items).toEqual([
      expect.objectContaining({ id: request.id, failureCode: 'INSUFFICIENT_FUNDS' }),
    ]);
    expect(await cashOf(walletId)).toBe(20_000n);
    expect(await adjustmentTransactions(request.id)).toBe(0);
  });
});
