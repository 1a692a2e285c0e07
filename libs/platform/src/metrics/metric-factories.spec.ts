import { register } from 'prom-client';
import { counterOf, scrapedGauge } from './metric-factories';

describe('metric factories', () => {
  it('gives the same counter for a name already registered (several apps in one process)', () => {
    const first = counterOf('spec_factories_reused_total', 'help', ['kind']);
    expect(counterOf('spec_factories_reused_total', 'help', ['kind'])).toBe(first);
  });

  it('reads a scraped gauge on every scrape, keeps its last values when a read fails or hangs, and is removed by its owner', async () => {
    let answerSlowRead: (value: number) => void = () => undefined;
    const slow = new Promise<number>((resolve) => (answerSlowRead = resolve));
    const reads: (() => Promise<number>)[] = [
      () => Promise.resolve(7),
      () => Promise.reject(new Error('database down')),
      () => slow, // a dependency that does not answer yet
      () => Promise.resolve(3),
    ];
    const errors: string[] = [];
    const { dispose } = scrapedGauge({
      name: 'spec_factories_backlog',
      help: 'help',
      labelNames: [],
      timeoutMs: 50,
      onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
      read: async (gauge) => gauge.set(await (reads.shift() ?? (() => Promise.resolve(-1)))()),
    });
    const scrape = async (): Promise<string> => register.getSingleMetricAsString('spec_factories_backlog');

    expect(await scrape()).toContain('spec_factories_backlog 7');
    expect(await scrape()).toContain('spec_factories_backlog 7'); // failed
    expect(await scrape()).toContain('spec_factories_backlog 7'); // the slow read is left running
    expect(await scrape()).toContain('spec_factories_backlog 7'); // and waited on, not started again
    expect(reads).toHaveLength(1);
    answerSlowRead(5);
    expect(await scrape()).toContain('spec_factories_backlog 5'); // the slow read answered
    expect(await scrape()).toContain('spec_factories_backlog 3'); // and the next scrape read again
    expect(errors).toEqual([
      'database down',
      'spec_factories_backlog: read took over 50 ms',
      'spec_factories_backlog: read took over 50 ms',
    ]);

    dispose();
    expect(register.getSingleMetric('spec_factories_backlog')).toBeUndefined();
  });

  it('hands a scraped gauge to its latest owner; an earlier owner disposing leaves it in place', () => {
    const first = scrapedGauge({ name: 'spec_factories_owned', help: 'h', labelNames: [], read: async () => {} });
    const second = scrapedGauge({ name: 'spec_factories_owned', help: 'h', labelNames: [], read: async () => {} });
    first.dispose();
    expect(register.getSingleMetric('spec_factories_owned')).toBeDefined();
    second.dispose();
    expect(register.getSingleMetric('spec_factories_owned')).toBeUndefined();
  });
});
