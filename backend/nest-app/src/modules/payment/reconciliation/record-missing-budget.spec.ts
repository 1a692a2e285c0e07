import { RecordMissingBudget } from './record-missing-budget';

describe('RecordMissingBudget', () => {
  function budget(limit: number): { budget: RecordMissingBudget; halts: [string, number][] } {
    const halts: [string, number][] = [];
    return {
      budget: new RecordMissingBudget(limit, async (provider, canceled) => {
        halts.push([provider, canceled]);
      }),
      halts,
    };
  }

  async function takeMany(subject: RecordMissingBudget, provider: string, times: number): Promise<boolean[]> {
    const answers: boolean[] = [];
    for (let index = 0; index < times; index++) answers.push(await subject.take(provider));
    return answers;
  }

  it('allows up to the limit, then refuses the rest of the run and halts once', async () => {
    const { budget: subject, halts } = budget(3);
    expect(await takeMany(subject, 'sandbox', 6)).toEqual([true, true, true, false, false, false]);
    expect(halts).toEqual([['sandbox', 3]]);
  });

  it('counts each provider apart', async () => {
    const { budget: subject, halts } = budget(1);
    expect(await takeMany(subject, 'sandbox', 2)).toEqual([true, false]);
    expect(await takeMany(subject, 'stripe', 2)).toEqual([true, false]);
    expect(halts).toEqual([
      ['sandbox', 1],
      ['stripe', 1],
    ]);
  });

  it('with a limit of 0 cancels none', async () => {
    const { budget: subject, halts } = budget(0);
    expect(await takeMany(subject, 'sandbox', 2)).toEqual([false, false]);
    expect(halts).toEqual([['sandbox', 0]]);
  });

  it('stays halted when recording the halt fails', async () => {
    const subject = new RecordMissingBudget(0, () => Promise.reject(new Error('database down')));
    await expect(subject.take('sandbox')).rejects.toThrow('database down');
    expect(await subject.take('sandbox')).toBe(false);
  });
});
