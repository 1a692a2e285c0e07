import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WalletService } from '../../src/modules/wallet/wallet.service';
import { bearer, type SignedIn } from '../support/sign-in';

/** A no-deposit template as staff create it (terms: shared/reference/bonuses.md; GB rules apply to every country). */
export const NO_DEPOSIT = {
  name: 'No-deposit €50',
  kind: 'no_deposit',
  productTypes: ['casino'],
  currency: 'EUR',
  amount: '5000',
  wageringMultiplier: 10,
  gameWeights: { slots: 100, table: 10, live: 0 },
  defaultWeight: 0,
  maxBet: '500',
  validityDays: 30,
  maxConversion: '2000',
  eligibleCountries: [],
  optIn: false,
};

export interface BonusView {
  id: string;
  status: string;
  amount: string;
  wagering: { required: string; done: string; remaining: string };
  terms: { maxBet: string; maxConversion?: string; gameWeights: Record<string, number> };
}

export function bonusKit(app: NestFastifyApplication, admin: SignedIn) {
  const db = app.get(DataSource);
  const kit = {
    async template(terms: Record<string, unknown> = {}): Promise<string> {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/bonus/templates',
        headers: bearer(admin.accessToken),
        payload: { ...NO_DEPOSIT, ...terms },
      });
      if (response.statusCode !== 201) throw new Error(`template: ${response.statusCode} ${response.body}`);
      return response.json<{ id: string }>().id;
    },
    grant(templateId: string, userId: string, key: string = randomUUID(), reason = 'goodwill after an outage') {
      return app.inject({
        method: 'POST',
        url: '/api/v1/bonus/grants',
        headers: { ...bearer(admin.accessToken), 'idempotency-key': key },
        payload: { templateId, userId, reason },
      });
    },
    async mine(headers: Record<string, string>): Promise<BonusView[]> {
      const response = await app.inject({ method: 'GET', url: '/api/v1/bonuses/me', headers });
      return response.json<{ items: BonusView[] }>().items;
    },
    act(headers: Record<string, string>, id: string, action: 'opt-in' | 'forfeit') {
      return app.inject({ method: 'POST', url: `/api/v1/bonuses/me/${id}/${action}`, headers });
    },
    async balances(userId: string): Promise<{ cash: bigint; bonus: bigint }> {
      const [view] = await app.get(WalletService).walletsOfUser(userId);
      return { cash: view?.balances.cash ?? 0n, bonus: view?.balances.bonus ?? 0n };
    },
    async transitions(bonusId: string): Promise<string[]> {
      const rows = (await db.query(
        `SELECT coalesce(from_status, '-') || '>' || to_status || ':' || cause AS step FROM player_bonus_transitions
          WHERE player_bonus_id = $1 ORDER BY id`,
        [bonusId],
      )) as { step: string }[];
      return rows.map((row) => row.step);
    },
    async events(bonusId: string): Promise<string[]> {
      const rows = (await db.query(
        `SELECT event_type FROM outbox_events WHERE stream = 'bonus' AND aggregate_id = $1 ORDER BY position`,
        [bonusId],
      )) as { event_type: string }[];
      return rows.map((row) => row.event_type);
    },
  };
  return kit;
}
