import { DomainError } from '@casino/contracts';
import {
  assertStaffResolution,
  assertTransition,
  canTransition,
  decideProviderEvent,
  decideStaffResolution,
  isCancelable,
  isStaffResolvable,
  PAYMENT_INTENT_STATUSES,
  type IntentStatus,
  type ProviderOutcome,
} from './payment-intent.state-machine';

/** The allowed transitions, written out independently of the implementation's table (payments.md). */
const EXPECTED_ALLOWED = new Set<string>([
  'requires_payment_method>requires_action',
  'requires_payment_method>processing',
  'requires_payment_method>requires_capture',
  'requires_payment_method>succeeded',
  'requires_payment_method>canceled',
  'requires_payment_method>failed',
  'requires_action>requires_payment_method',
  'requires_action>processing',
  'requires_action>requires_capture',
  'requires_action>succeeded',
  'requires_action>canceled',
  'requires_action>failed',
  'processing>requires_payment_method',
  'processing>requires_capture',
  'processing>succeeded',
  'processing>failed',
  'requires_capture>succeeded',
  'requires_capture>canceled',
]);

const ALL_PAIRS = PAYMENT_INTENT_STATUSES.flatMap((from) =>
  PAYMENT_INTENT_STATUSES.map((to) => [from, to] as [IntentStatus, IntentStatus]),
);
const DISALLOWED = ALL_PAIRS.filter(([from, to]) => !EXPECTED_ALLOWED.has(`${from}>${to}`));
const ALLOWED = ALL_PAIRS.filter(([from, to]) => EXPECTED_ALLOWED.has(`${from}>${to}`));

describe('payment intent state machine', () => {
  it('covers all 49 pairs: 18 allowed, 31 refused', () => {
    expect(ALL_PAIRS).toHaveLength(49);
    expect(ALLOWED).toHaveLength(18);
    expect(DISALLOWED).toHaveLength(31);
  });

  it.each(DISALLOWED)('refuses %s → %s with PAYMENT_TRANSITION_NOT_ALLOWED', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    let thrown: unknown;
    try {
      assertTransition(from, to, 'test');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('PAYMENT_TRANSITION_NOT_ALLOWED');
    expect((thrown as DomainError).category).toBe('conflict');
  });

  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to, 'test')).not.toThrow();
  });

  it.each(['succeeded', 'canceled', 'failed'] as IntentStatus[])('%s is terminal: nothing leaves it', (terminal) => {
    for (const to of PAYMENT_INTENT_STATUSES) expect(canTransition(terminal, to)).toBe(false);
  });

  it('allows cancel only before processing or succeeded (and from requires_capture)', () => {
    const cancelable = PAYMENT_INTENT_STATUSES.filter(isCancelable);
    expect(cancelable).toEqual(['requires_payment_method', 'requires_action', 'requires_capture']);
  });
});

describe('provider events: late, duplicate and out of order', () => {
  const t = (seconds: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

  /** Replays events in the given order through the decision rule; returns the final status. */
  function replay(events: [IntentStatus, number][], start: IntentStatus = 'requires_payment_method'): IntentStatus {
    let state = { status: start, lastProviderEventAt: null as Date | null };
    for (const [target, at] of events) {
      if (decideProviderEvent(state, target, t(at)).action === 'apply') {
        state = { status: target, lastProviderEventAt: t(at) };
      }
    }
    return state.status;
  }

  it('ignores a duplicate event', () => {
    const state = { status: 'processing' as IntentStatus, lastProviderEventAt: t(5) };
    expect(decideProviderEvent(state, 'processing', t(5))).toEqual({ action: 'ignore', reason: 'same_status' });
  });

  it('ignores everything after a terminal status', () => {
    for (const target of PAYMENT_INTENT_STATUSES.filter((status) => status !== 'succeeded')) {
      const decision = decideProviderEvent({ status: 'succeeded', lastProviderEventAt: t(9) }, target, t(20));
      expect(decision).toEqual({ action: 'ignore', reason: 'terminal' });
    }
  });

  it('ignores a late requires_action after processing (would move backwards)', () => {
    const decision = decideProviderEvent({ status: 'processing', lastProviderEventAt: t(2) }, 'requires_action', t(1));
    expect(decision).toEqual({ action: 'ignore', reason: 'not_allowed' });
  });

  it('ignores a late failure older than the last applied event', () => {
    const decision = decideProviderEvent(
      { status: 'processing', lastProviderEventAt: t(10) },
      'requires_payment_method',
      t(4),
    );
    expect(decision).toEqual({ action: 'ignore', reason: 'stale' });
  });

  it('ignores a canceled event for a processing intent: payments.md allows cancel only before processing', () => {
    // Stripe's API reference allows it "in rare cases"; our reference does not, so the table refuses it (state machine doc).
    const decision = decideProviderEvent({ status: 'processing', lastProviderEventAt: t(2) }, 'canceled', t(3));
    expect(decision).toEqual({ action: 'ignore', reason: 'not_allowed' });
  });

  it('applies a terminal status even when its timestamp is older (clocks of seconds)', () => {
    const decision = decideProviderEvent({ status: 'processing', lastProviderEventAt: t(10) }, 'succeeded', t(9));
    expect(decision).toEqual({ action: 'apply' });
  });

  it.each([
    [
      'in order',
      [
        ['requires_action', 1],
        ['processing', 2],
        ['succeeded', 3],
      ],
    ],
    [
      'reversed',
      [
        ['succeeded', 3],
        ['processing', 2],
        ['requires_action', 1],
      ],
    ],
    [
      'succeeded first, then duplicates',
      [
        ['succeeded', 3],
        ['succeeded', 3],
        ['processing', 2],
        ['processing', 2],
      ],
    ],
    [
      'processing late',
      [
        ['requires_action', 1],
        ['succeeded', 3],
        ['processing', 2],
      ],
    ],
    [
      'retry after a decline, decline delivered last',
      [
        ['requires_action', 1],
        ['processing', 4],
        ['succeeded', 5],
        ['requires_payment_method', 2],
      ],
    ],
  ] as [string, [IntentStatus, number][]][])('a deposit ends succeeded when delivered %s', (_label, events) => {
    expect(replay(events)).toBe('succeeded');
  });

  it('a final decline ends failed whatever comes after it', () => {
    expect(
      replay([
        ['requires_action', 1],
        ['failed', 3],
        ['processing', 2],
        ['succeeded', 4],
      ]),
    ).toBe('failed');
  });

  it('a decline then a retry that is still processing stays processing when the decline is redelivered', () => {
    expect(
      replay([
        ['requires_payment_method', 2],
        ['processing', 5],
        ['requires_payment_method', 2],
      ]),
    ).toBe('processing');
  });
});

describe('staff resolution of a payment the PSP ended without success', () => {
  const STAFF_ALLOWED = new Set(['processing>canceled', 'processing>failed']);

  it('only processing is resolvable', () => {
    expect(PAYMENT_INTENT_STATUSES.filter(isStaffResolvable)).toEqual(['processing']);
  });

  it.each(ALL_PAIRS)('%s → %s is a staff resolution only when listed', (from, to) => {
    if (STAFF_ALLOWED.has(`${from}>${to}`)) {
      expect(() => assertStaffResolution(from, to, 'staff_resolution')).not.toThrow();
    } else {
      expect(() => assertStaffResolution(from, to, 'staff_resolution')).toThrow(
        expect.objectContaining({ code: 'PAYMENT_TRANSITION_NOT_ALLOWED' }) as Error,
      );
    }
  });

  it('allows processing → canceled to staff while providers stay refused', () => {
    expect(canTransition('processing', 'canceled')).toBe(false);
    expect(decideStaffResolution('processing', 'canceled')).toEqual({ action: 'close', to: 'canceled' });
    expect(decideStaffResolution('processing', 'failed')).toEqual({ action: 'close', to: 'failed' });
  });

  it.each(PAYMENT_INTENT_STATUSES)('never closes a %s intent the PSP says succeeded or has not ended', (status) => {
    expect(decideStaffResolution(status, 'succeeded')).toEqual({ action: 'refuse', reason: 'provider_succeeded' });
    expect(decideStaffResolution(status, 'pending')).toEqual({ action: 'refuse', reason: 'provider_pending' });
  });

  it.each(
    PAYMENT_INTENT_STATUSES.filter((status) => status !== 'processing').flatMap((status) =>
      (['canceled', 'failed'] as ProviderOutcome[]).map((outcome) => [status, outcome] as const),
    ),
  )('refuses to resolve a %s intent (PSP: %s)', (status, outcome) => {
    expect(decideStaffResolution(status, outcome)).toEqual({ action: 'refuse', reason: 'not_resolvable' });
  });
});
