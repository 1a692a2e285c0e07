import { ProviderOutageBreaker } from './provider-outage-breaker';

describe('ProviderOutageBreaker', () => {
  function unanswered(breaker: ProviderOutageBreaker, provider: string, times: number): void {
    for (let index = 0; index < times; index++) breaker.recordAnswer(provider, false);
  }

  it('gives up on a provider after `limit` unanswered reads in a row, and counts what it then skips', () => {
    const breaker = new ProviderOutageBreaker(3);
    unanswered(breaker, 'sandbox', 2);
    expect(breaker.admits('sandbox')).toBe(true);
    unanswered(breaker, 'sandbox', 1);
    expect(breaker.admits('sandbox')).toBe(false);
    breaker.recordSkipped('sandbox');
    breaker.recordSkipped('sandbox');
    expect(breaker.outages()).toEqual([{ provider: 'sandbox', unanswered: 3, skipped: 2 }]);
  });

  it('starts again after any answer, and keeps each provider apart', () => {
    const breaker = new ProviderOutageBreaker(2);
    breaker.recordAnswer('sandbox', false);
    breaker.recordAnswer('sandbox', true);
    breaker.recordAnswer('sandbox', false);
    unanswered(breaker, 'stripe', 2);
    expect(breaker.admits('sandbox')).toBe(true);
    expect(breaker.admits('stripe')).toBe(false);
    expect(breaker.outages()).toEqual([{ provider: 'stripe', unanswered: 2, skipped: 0 }]);
  });

  it('reports nothing when every provider answered', () => {
    const breaker = new ProviderOutageBreaker(1);
    breaker.recordAnswer('sandbox', true);
    expect(breaker.admits('sandbox')).toBe(true);
    expect(breaker.outages()).toEqual([]);
  });
});
