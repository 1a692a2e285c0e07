import { UpstreamPool } from './upstream-pool';

describe('UpstreamPool', () => {
  const origins = ['http://a:1', 'http://b:1', 'http://c:1'];

  it('goes round the instances in turn', () => {
    const pool = new UpstreamPool(origins);
    expect([1, 2, 3, 4].map(() => pool.pick()?.origin)).toEqual([
      'http://a:1',
      'http://b:1',
      'http://c:1',
      'http://a:1',
    ]);
  });

  it('skips an ejected or unready instance until its next good readiness answer', () => {
    const pool = new UpstreamPool(origins);
    const [a, b] = pool.upstreams;
    pool.eject(a!, 'ECONNREFUSED');
    pool.recordReadiness(b!, 'not_ready');
    expect([1, 2].map(() => pool.pick()?.origin)).toEqual(['http://c:1', 'http://c:1']);
    pool.recordReadiness(a!, 'ready');
    expect(new Set([1, 2].map(() => pool.pick()?.origin))).toEqual(new Set(['http://a:1', 'http://c:1']));
  });

  it('picks another instance than the excluded one, and none when none is left', () => {
    const pool = new UpstreamPool(origins.slice(0, 2));
    const [a, b] = pool.upstreams;
    expect(pool.pick(a)).toBe(b);
    pool.recordReadiness(b!, 'not_ready');
    expect(pool.pick(a)).toBeUndefined();
    pool.recordReadiness(a!, 'down');
    expect(pool.pick()).toBeUndefined();
  });

  it('when every instance is out, still routes to those that only answered their check too slowly', () => {
    const pool = new UpstreamPool(origins);
    const [a, b, c] = pool.upstreams;
    pool.recordReadiness(a!, 'slow');
    pool.recordReadiness(b!, 'slow');
    pool.recordReadiness(c!, 'not_ready');
    expect(new Set([1, 2, 3, 4].map(() => pool.pick()?.origin))).toEqual(new Set(['http://a:1', 'http://b:1']));
    pool.eject(a!, 'ECONNRESET');
    expect([1, 2].map(() => pool.pick()?.origin)).toEqual(['http://b:1', 'http://b:1']);
    pool.recordReadiness(c!, 'ready');
    expect([1, 2].map(() => pool.pick()?.origin)).toEqual(['http://c:1', 'http://c:1']);
    pool.recordReadiness(b!, 'down');
    pool.recordReadiness(c!, 'down');
    expect(pool.pick()).toBeUndefined();
  });
});
