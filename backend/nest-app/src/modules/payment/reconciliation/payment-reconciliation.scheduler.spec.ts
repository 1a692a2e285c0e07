import { SchedulerRegistry } from '@nestjs/schedule';
import { loadAppConfig } from '../../../config/load-app-config';
import type { PaymentDepositExpiry } from './payment-deposit-expiry';
import type { PaymentReconciliation } from './payment-reconciliation.service';
import { PaymentReconciliationScheduler } from './payment-reconciliation.scheduler';
import type { PaymentWithdrawalExpiry } from './payment-withdrawal-expiry';

interface Job {
  runExclusive: jest.Mock<Promise<null>, []>;
}

const job = (): Job => ({ runExclusive: jest.fn<Promise<null>, []>().mockResolvedValue(null) });

describe('PaymentReconciliationScheduler', () => {
  let registry: SchedulerRegistry;
  let jobs: { reconciliation: Job; depositExpiry: Job; withdrawalExpiry: Job };

  beforeEach(() => {
    jest.useFakeTimers();
    registry = new SchedulerRegistry();
    jobs = { reconciliation: job(), depositExpiry: job(), withdrawalExpiry: job() };
  });

  afterEach(() => {
    for (const name of registry.getIntervals()) registry.deleteInterval(name);
    jest.useRealTimers();
  });

  function start(settings: Record<string, string>): void {
    const scheduler = new PaymentReconciliationScheduler(
      jobs.reconciliation as unknown as PaymentReconciliation,
      jobs.depositExpiry as unknown as PaymentDepositExpiry,
      jobs.withdrawalExpiry as unknown as PaymentWithdrawalExpiry,
      registry,
      loadAppConfig({ PAYMENT_RECONCILIATION_INTERVAL_SECONDS: '0', ...settings }),
    );
    scheduler.onApplicationBootstrap();
  }

  it("runs the withdrawal expiry on its own interval, not the deposit expiry's", async () => {
    start({ PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS: '0', PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS: '5' });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(jobs.withdrawalExpiry.runExclusive).toHaveBeenCalledTimes(2);
    expect(jobs.depositExpiry.runExclusive).not.toHaveBeenCalled();
  });

  it('0 turns the withdrawal expiry off while the deposit expiry runs', async () => {
    start({ PAYMENT_DEPOSIT_EXPIRY_INTERVAL_SECONDS: '5', PAYMENT_WITHDRAWAL_EXPIRY_INTERVAL_SECONDS: '0' });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(jobs.depositExpiry.runExclusive).toHaveBeenCalledTimes(2);
    expect(jobs.withdrawalExpiry.runExclusive).not.toHaveBeenCalled();
    expect(registry.getIntervals()).toEqual(['payment-deposit-expiry']);
  });
});
