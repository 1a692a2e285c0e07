import { DomainError } from '@casino/contracts';
import { confirmLimitChange, COOLING_OFF_MS, requestLimitChange } from './limit-change-policy';
import { NO_LIMIT, type LimitState } from './rg-limit-types';

const NOW = new Date('2026-03-02T10:00:00Z');
const limit = (value: bigint | null): LimitState => ({ ...NO_LIMIT, value });

function errorCode(attempt: () => unknown): string | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
}

// Cooling-off rules: ../shared/reference/responsible-gaming.md (UKGC RTS 12).
describe('limit change policy', () => {
  it('applies a first limit at once (stricter than none)', () => {
    expect(requestLimitChange(limit(null), 10_000n, NOW)).toEqual({ action: 'applied', next: limit(10_000n) });
  });

  it('applies a decrease at once', () => {
    expect(requestLimitChange(limit(10_000n), 5_000n, NOW)).toEqual({ action: 'applied', next: limit(5_000n) });
  });

  it('makes an increase pending for 24 hours, keeping the effective value', () => {
    const { action, next } = requestLimitChange(limit(10_000n), 20_000n, NOW);
    expect(action).toBe('increase_requested');
    expect(next).toEqual({
      value: 10_000n,
      pendingValue: 20_000n,
      pendingRemoval: false,
      pendingRequestedAt: NOW,
      pendingEffectiveAt: new Date(NOW.getTime() + COOLING_OFF_MS),
    });
  });

  it('makes a removal pending too', () => {
    const { action, next } = requestLimitChange(limit(10_000n), null, NOW);
    expect(action).toBe('removal_requested');
    expect(next).toMatchObject({ value: 10_000n, pendingRemoval: true, pendingValue: null });
  });

  it('does not restart the cooling-off when the same increase is asked again', () => {
    const pending = requestLimitChange(limit(10_000n), 20_000n, NOW).next;
    const later = new Date(NOW.getTime() + 60_000);
    expect(requestLimitChange(pending, 20_000n, later)).toEqual({ action: 'unchanged', next: pending });
    expect(requestLimitChange(pending, 30_000n, later).next.pendingEffectiveAt).toEqual(
      new Date(later.getTime() + COOLING_OFF_MS),
    );
  });

  it('drops a pending increase when the player decreases or asks for the current value', () => {
    const pending = requestLimitChange(limit(10_000n), 20_000n, NOW).next;
    expect(requestLimitChange(pending, 8_000n, NOW)).toEqual({ action: 'applied', next: limit(8_000n) });
    expect(requestLimitChange(pending, 10_000n, NOW)).toEqual({ action: 'pending_cancelled', next: limit(10_000n) });
  });

  it('confirms only after 24 hours, and only something pending', () => {
    const pending = requestLimitChange(limit(10_000n), 20_000n, NOW).next;
    const justBefore = new Date(NOW.getTime() + COOLING_OFF_MS - 1);
    expect(errorCode(() => confirmLimitChange(pending, justBefore))).toBe('RG_COOLING_OFF_NOT_ELAPSED');
    expect(confirmLimitChange(pending, new Date(NOW.getTime() + COOLING_OFF_MS))).toEqual(limit(20_000n));
    expect(errorCode(() => confirmLimitChange(limit(10_000n), NOW))).toBe('RG_NO_PENDING_CHANGE');
    const removal = requestLimitChange(limit(10_000n), null, NOW).next;
    expect(confirmLimitChange(removal, new Date(NOW.getTime() + COOLING_OFF_MS))).toEqual(limit(null));
  });
});
