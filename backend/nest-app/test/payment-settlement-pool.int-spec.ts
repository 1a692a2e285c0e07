import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PaymentIntentRepository } from '../src/modules/payment/intents/payment-intent.repository';
import { PaymentSettlement } from '../src/modules/payment/intents/payment-settlement';
import { balances, newPlayer, startPaymentSuite, type PaymentSuite } from './payment-test-kit';
import { expectInvariants, walletKit } from './wallet-test-kit';

/**
 * More settlements at once than the pool has connections (a burst of deposit webhooks): each must finish. A
 * settlement that held its intent's transaction while the wallet asked the same pool for another connection would
 * wait forever once every connection was held that way.
 */
describe('payment settlements in a burst larger than the database pool (integration)', () => {
  let suite: PaymentSuite;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    suite = await startPaymentSuite('payment-settle-pool', { OUTBOX_RELAY_ENABLED: 'false', DATABASE_POOL_SIZE: '3' });
    ({ app } = suite);
  });

  afterAll(() => suite?.close());

  it('settles 12 deposits at once on a pool of 3, each credited once', async () => {
    const dataSource = app.get(DataSource);
    const players = await Promise.all(Array.from({ length: 12 }, () => newPlayer(app)));
    const intentIds = players.map(() => randomUUID());
    for (const [index, player] of players.entries()) {
      await dataSource.query(
        `INSERT INTO payment_intents (id, user_id, kind, provider, amount, currency, status, provider_reference)
         VALUES ($1, $2, 'deposit', 'sandbox', 1500, 'EUR', 'succeeded', $3)`,
        [intentIds[index], player.userId, `pi_${intentIds[index]}`],
      );
    }

    const settlement = app.get(PaymentSettlement);
    await Promise.all([...intentIds, ...intentIds].map((id) => settlement.settle(id)));

    const intents = app.get(PaymentIntentRepository);
    for (const [index, player] of players.entries()) {
      expect((await intents.findById(intentIds[index]!))?.settledAt).not.toBeNull();
      expect(await balances(app, player.userId)).toMatchObject({ cash: 1500n });
    }
    await expectInvariants(walletKit(app));
  }, 60_000);
});
