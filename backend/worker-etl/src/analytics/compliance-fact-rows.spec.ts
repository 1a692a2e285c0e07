import { USER_RG_EXCLUDED, USER_RG_LIMIT_CHANGED, type UserRgEvent } from '@casino/contracts';
import { rgEventRow } from './compliance-fact-rows';

const PLAYER = { country: 'GB', brand: '' };
const AT = '2026-12-01T10:00:00.000Z';

function limitChanged(previousValue: string | null, effectiveValue: string | null): UserRgEvent {
  return {
    id: 'e1',
    type: USER_RG_LIMIT_CHANGED,
    version: 1,
    occurredAt: AT,
    aggregateId: 'u1',
    payload: {
      userId: 'u1',
      limit: 'lossWeek',
      action: 'scheduled',
      previousValue,
      requestedValue: effectiveValue,
      effectiveValue,
      currency: 'GBP',
      changedAt: AT,
    },
  };
}

describe('rgEventRow', () => {
  it("writes no limit as '' and a limit as its exact digits", () => {
    expect(rgEventRow(limitChanged(null, '9007199254740993'), PLAYER)).toMatchObject({
      change_kind: 'limit',
      previous_value: '',
      effective_value: '9007199254740993',
      ends_at: 0,
    });
  });

  it('refuses a limit value that is not a non-negative integer', () => {
    for (const bad of ['-1', '1.5', '1e3', ' 1']) {
      expect(() => rgEventRow(limitChanged(bad, '10'), PLAYER)).toThrow(RangeError);
    }
  });

  it('gives a permanent self-exclusion an end of 0 and a time-out its end in Unix seconds', () => {
    const excluded = (endsAt: string | null): UserRgEvent => ({
      id: 'e2',
      type: USER_RG_EXCLUDED,
      version: 1,
      occurredAt: AT,
      aggregateId: 'u1',
      payload: { userId: 'u1', kind: endsAt ? 'time_out' : 'self_exclusion', period: '24h', startsAt: AT, endsAt },
    });
    expect(rgEventRow(excluded(null), PLAYER)).toMatchObject({ change_kind: 'exclusion', ends_at: 0, limit_key: '' });
    expect(rgEventRow(excluded('2026-12-02T10:00:00.000Z'), PLAYER).ends_at).toBe(
      Date.parse('2026-12-02T10:00:00Z') / 1000,
    );
  });
});
