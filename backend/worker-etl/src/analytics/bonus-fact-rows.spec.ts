import type { BonusEventType, PlayerBonusEvent, PlayerBonusEventV1 } from '@casino/contracts';
import { bonusEventRow } from './bonus-fact-rows';

const PLAYER = { country: 'DE', brand: 'main' };

function event(type: BonusEventType, money: Partial<PlayerBonusEventV1> = {}): PlayerBonusEvent {
  return {
    id: 'event-1',
    type,
    version: 1,
    occurredAt: '2026-12-01T10:00:00.123Z',
    aggregateId: 'bonus-1',
    payload: {
      playerBonusId: 'bonus-1',
      userId: 'user-1',
      templateId: 'template-1',
      currency: 'EUR',
      status: 'active',
      amount: '5000',
      wageringRequired: '50000',
      wageringDone: '0',
      at: '2026-12-01T23:59:59.999Z',
      ...money,
    },
  };
}

describe('bonusEventRow', () => {
  it('takes only the money each step moved, keyed by bonus and step', () => {
    const pick = (type: BonusEventType, money?: Partial<PlayerBonusEventV1>) => {
      const row = bonusEventRow(event(type, money), PLAYER);
      return [row.fact_key, row.step, row.granted, row.converted, row.removed];
    };
    expect(pick('bonus.offered')).toEqual(['bonus-1:offered', 'offered', '0', '0', '0']);
    expect(pick('bonus.activated', { ledgerTransactionId: 'tx' })).toEqual([
      'bonus-1:activated',
      'activated',
      '5000',
      '0',
      '0',
    ]);
    // A conversion's cash, not the bonus amount or what went back over the cap.
    expect(pick('bonus.converted', { convertedToCash: '2000' })).toEqual([
      'bonus-1:converted',
      'converted',
      '0',
      '2000',
      '0',
    ]);
    expect(pick('bonus.forfeited', { removedFromBonus: '4700' })).toEqual([
      'bonus-1:forfeited',
      'forfeited',
      '0',
      '0',
      '4700',
    ]);
    expect(pick('bonus.expired', { removedFromBonus: '9223372036854775807' })[4]).toBe('9223372036854775807');
    // A staff cancel takes the bonus balance back like a forfeit (the ledger books it as bonus_forfeit).
    expect(pick('bonus.canceled', { removedFromBonus: '300' })).toEqual([
      'bonus-1:canceled',
      'canceled',
      '0',
      '0',
      '300',
    ]);
  });

  it("dates the fact by the step's own time and stamps the player's dimensions", () => {
    const row = bonusEventRow(event('bonus.activated', { ledgerTransactionId: 'tx-9' }), PLAYER);
    expect(row).toMatchObject({
      occurred_at: Date.parse('2026-12-01T23:59:59Z') / 1000,
      ledger_transaction_id: 'tx-9',
      event_id: 'event-1',
      country: 'DE',
      brand: 'main',
    });
  });

  it('refuses an amount that is not an Int64 integer and an event that is not a bonus step', () => {
    expect(() => bonusEventRow(event('bonus.converted', { convertedToCash: '1.5' }), PLAYER)).toThrow(RangeError);
    expect(() => bonusEventRow(event('bonus.other' as BonusEventType), PLAYER)).toThrow(RangeError);
  });
});
