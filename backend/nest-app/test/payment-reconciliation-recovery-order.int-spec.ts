import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PaymentIntentRepository } from '../src/modules/payment/intents/payment-intent.repository';
import type { PaymentProvider } from '../src/modules/payment/psp/payment-provider';
import { PaymentProviders } from '../src/modules/payment/psp/payment-providers';
import { PaymentReconciliation } from '../src/modules/payment/reconciliation/payment-reconciliation.service';
import {
  balances,
  create,
  EUR,
  newPlayer,
  type PaymentSuite,
  type Player,
  pspPaymentOf,
  startPaymentSuite,
  untouchedFor,
} from './payment-test-kit';

const BATCH = 3;

// A deposit whose creation answer was lost and that the PSP has no payment for stays open, looked up by our intent id
// every run, with its updated_at unchanged; with more of them than a run's batch, the recovery must still come round
// to every one, newer ones included, within a few runs.

describe('reconciliation looks up every deposit whose creation was lost in turn, more than a batch of them (integration, sandbox PSP)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;
  let sandbox: PaymentSuite['sandbox'];
  let dataSource: DataSource;
  let intents: PaymentIntentRepository;
  let reconciliation: PaymentReconciliation;
  let providers: PaymentProviders;
  let realSandbox: PaymentProvider;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-recon-recovery-order', {
      PAYMENT_RECONCILIATION_BATCH_SIZE: String(BATCH),
    });
    ({ app, sandbox } = suite);
    dataSource = app.get(DataSource);
    intents = app.get(PaymentIntentRepository);
    reconciliation = app.get(PaymentReconciliation);
    providers = app.get(PaymentProviders);
    realSandbox = providers.get('sandbox');
  });

  afterEach(() => providers.register(realSandbox));

  afterAll(() => suite?.close());

  /** A deposit whose creation at the PSP answered a 500 (`fault`): open here, no reference. */
  async function lostCreation(player: Player, amount: string, fault: 'error_after_create' | 'error_before_create') {
    sandbox.psp.faults.failNextCreate(fault);
    const response = await create(app, player, 'deposits', EUR(amount));
    expect(response.statusCode).toBe(503);
    const id = response.json<{ error: { details: { intentId: string } } }>().error.details.intentId;
    expect(await intents.findById(id)).toMatchObject({ status: 'requires_payment_method', providerReference: null });
    return id;
  }

  /** Untouched for `minutes`: past the run's grace (5 minutes), short of the deposit expiry (30 minutes). */

  async function rows(ids: string[]): Promise<{ id: string; status: string; updated_at: string }[]> {
    return (await dataSource.query(
      `SELECT id, status, updated_at::text AS updated_at FROM payment_intents WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [ids],
    )) as { id: string; status: string; updated_at: string }[];
  }

  it('looks up each of them within ceil(open / batch) runs, and links and credits the newest, paid at the PSP', async () => {
    const player = await newPlayer(app);
    const unknownAtPsp: string[] = [];
    for (let index = 0; index < 2 * BATCH; index++) {
      const id = await lostCreation(player, String(1000 + index), 'error_before_create');
      await untouchedFor(app, `${20 - index} minutes`, [id]);
      unknownAtPsp.push(id);
    }
    const paid = await lostCreation(player, '2400', 'error_after_create');
    const payment = pspPaymentOf(sandbox, paid);
    payment.status = 'succeeded'; // paid there; no webhook, as the intent has no reference to match it by
    payment.next_action = null;
    await untouchedFor(app, '10 minutes', [paid]);
    const all = [...unknownAtPsp, paid];
    const before = await rows(unknownAtPsp);

    const lookedUp: string[] = [];
    providers.register(notingLookups(realSandbox, lookedUp));
    for (let run = 0; run < Math.ceil(all.length / BATCH); run++) {
      const start = lookedUp.length;
      await reconciliation.run();
      expect(lookedUp.length - start).toBeLessThanOrEqual(BATCH);
    }

    expect([...new Set(lookedUp)].sort()).toEqual([...all].sort());
    expect(await intents.findById(paid)).toMatchObject({ status: 'succeeded', providerReference: payment.id });
    expect(await balances(app, player.userId)).toMatchObject({ cash: 2400n });
    // Looking a deposit up changes nothing of it: the expiry still sees how long it was left.
    expect(await rows(unknownAtPsp)).toEqual(before);
  });
});

/** The provider, with the intent ids of every lookup by intent id (findPaymentsOfIntent) noted in `lookedUp`. */
function notingLookups(real: PaymentProvider, lookedUp: string[]): PaymentProvider {
  return new Proxy(real, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'findPaymentsOfIntent' || typeof value !== 'function') return value;
      return (intentId: string, ...rest: unknown[]) => {
        lookedUp.push(intentId);
        return (value as (...args: unknown[]) => unknown).apply(target, [intentId, ...rest]);
      };
    },
  });
}
