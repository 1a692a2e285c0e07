import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function task(run: () => Promise<unknown>) {
    const logger = new Logger('test');
    const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    return { periodic: new PeriodicTask('the sweep', logger, run), errors };
  }

  it('runs one at a time: a tick while a run is in progress is skipped', async () => {
    let release: () => void = () => undefined;
    const run = jest.fn(() => new Promise<void>((done) => (release = done)));
    const { periodic } = task(run);
    periodic.start(1);
    await jest.advanceTimersByTimeAsync(3500);
    expect(run).toHaveBeenCalledTimes(1);
    release();
    await jest.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(2);
    release();
    await periodic.stop();
  });

  it('logs a failed run and runs again at the next tick', async () => {
    const run = jest.fn().mockRejectedValueOnce(new Error('database down')).mockResolvedValue(undefined);
    const { periodic, errors } = task(run);
    periodic.start(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(run).toHaveBeenCalledTimes(2);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0]?.[1]).toBe('the sweep failed; the next run retries');
    await periodic.stop();
  });

  it('never runs at 0 seconds, and stop waits for the run in progress', async () => {
    const never = jest.fn(async () => undefined);
    task(never).periodic.start(0);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(never).not.toHaveBeenCalled();

    let finished = false;
    const { periodic } = task(async () => {
      await new Promise((done) => setTimeout(done, 5000));
      finished = true;
    });
    periodic.start(1);
    await jest.advanceTimersByTimeAsync(1000);
    const stopped = periodic.stop();
    await jest.advanceTimersByTimeAsync(5000);
    await stopped;
    expect(finished).toBe(true);
  });
});
