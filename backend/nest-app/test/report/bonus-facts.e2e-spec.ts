import type { DomainEventEnvelope, PlayerBonusEvent } from '@casino/contracts';
import { EVENT_BUS, type EventBus } from '@casino/platform';
import { eventually, isolatedSettings } from '@casino/platform/testing';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
// worker-etl itself, started beside the app on the suite's streams and ClickHouse database.
import { FactsLoader } from '../../../worker-etl/src/analytics/facts-loader.service';
import { backfillFacts } from '../../../worker-etl/src/backfill/backfill-facts';
import { createWorkerApp } from '../../../worker-etl/src/bootstrap';
import { loadEtlBackfillConfig } from '../../../worker-etl/src/config/etl-backfill-config';
import { loadWorkerConfig } from '../../../worker-etl/src/config/load-worker-config';
import { PlayerBonusEndings } from '../../src/modules/bonus/player-bonuses/player-bonus-endings.service';
import { checkLedgerAgainstBonusFacts } from '../../src/modules/report/verification/bonus-facts-check';
import { checkLedgerAgainstFacts } from '../../src/modules/report/verification/ledger-facts-check';
import { bonusKit } from '../bonus/bonus-test-kit';
import { newPlayer } from '../game/support/game-test-app';
import { bearer, signInAsStaff, uniqueEmail, type SignedIn } from '../support/sign-in';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const TODAY = new Date().toISOString().slice(0, 10);
const RANGE = { from: TODAY, to: TODAY };
const MEASURES = ['bonus_converted', 'bonus_cost', 'bonus_granted', 'bonus_removed', 'ggr', 'ngr'];

interface ReportBody {
  rows: Record<string, string | null>[];
  totals: Record<string, string | null>[];
}

/**
 * Issue 16, bonus facts: grants, conversions (capped) and forfeits in two currencies through the real bonus module,
 * ledger, outbox relay and worker-etl. The bonus measures equal the ledger's bonus transactions (and bonus_converted
 * the catalogue's bonus cost), etl:verify's bonus check passes, redelivered events change nothing, and the backfill
 * rebuilds the same facts from PostgreSQL once.
 */
describe('bonus facts from bonus.* events equal the ledger (e2e)', () => {
  const adminEmail = uniqueEmail('admin');
  let environment: TestEnvironment;
  let app: NestFastifyApplication;
  let worker: NestFastifyApplication;
  let clickhouse: ClickHouseClient;
  let admin: SignedIn;
  let dataSource: DataSource;

  beforeAll(async () => {
    environment = await createTestEnvironment('bonus-facts', {
      ADMIN_EMAIL: adminEmail,
      AUTH_RATE_LIMIT_PER_IP: '5000',
      AUTH_RATE_LIMIT_PER_ACCOUNT: '5000',
    });
    app = await startTestApp(environment.config);
    worker = await createWorkerApp(
      loadWorkerConfig({
        ...isolatedSettings(environment.id),
        ETL_BATCH_MAX_WAIT_MS: '1000',
        MAIL_DELIVERY_ENABLED: 'false',
        SMS_DELIVERY_ENABLED: 'false',
        REPORT_EXPORTS_ENABLED: 'false',
      }),
    );
    await worker.init();
    clickhouse = createClient({
      url: environment.config.CLICKHOUSE_URL,
      database: environment.config.CLICKHOUSE_DATABASE,
    });
    admin = await signInAsStaff(app, adminEmail);
    dataSource = app.get(DataSource);
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await clickhouse?.close();
    await environment?.dispose();
  });

  const rows = async <T>(query: string): Promise<T[]> =>
    (await clickhouse.query({ query, format: 'JSONEachRow' })).json<T>();
  const count = async (table: string): Promise<string> =>
    (await rows<{ n: string }>(`SELECT toString(count()) AS n FROM ${table}`))[0]?.n ?? '';
  const ledgerCount = async (query: string): Promise<string> =>
    ((await dataSource.query(query)) as { n: string }[])[0]?.n ?? '';
  const bonusRollup = (): Promise<unknown[]> =>
    rows(
      `SELECT toString(currency) AS currency, toString(sum(grants_count)) AS grants, toString(sum(granted_amount)) AS granted,
              toString(sum(conversions_count)) AS conversions, toString(sum(converted_amount)) AS converted,
              toString(sum(removals_count)) AS removals, toString(sum(removed_amount)) AS removed
         FROM bonus_15m GROUP BY currency ORDER BY currency`,
    );
  const outboxBonusEvents = async (): Promise<PlayerBonusEvent[]> =>
    (
      (await dataSource.query(`SELECT envelope FROM outbox_events WHERE stream = 'bonus' ORDER BY position`)) as {
        envelope: PlayerBonusEvent;
      }[]
    ).map((row) => row.envelope);
  /** Every ledger transaction and every bonus event in ClickHouse. */
  const loaded = async (): Promise<void> => {
    const transactions = await ledgerCount('SELECT count(*)::text AS n FROM ledger_transactions');
    const events = await ledgerCount(`SELECT count(*)::text AS n FROM outbox_events WHERE stream = 'bonus'`);
    await eventually(
      async () => (await count('wallet_transactions')) === transactions && (await count('bonus_events')) === events,
      30_000,
      200,
    );
  };

  /** The ledger's figures per currency, from the entries (docs/bonuses.md "Bonus money in the ledger"). */
  async function ledgerFigures(): Promise<Record<string, string>[]> {
    return (await dataSource.query(`
      SELECT t.currency,
             coalesce(sum(e.amount) FILTER (WHERE t.type = 'bonus_convert' AND a.kind = 'player_cash'), 0)::text AS bonus_converted,
             coalesce(sum(e.amount) FILTER (WHERE t.type = 'bonus_convert' AND a.kind = 'player_cash'), 0)::text AS bonus_cost,
             coalesce(sum(e.amount) FILTER (WHERE t.type = 'bonus_grant' AND a.kind = 'player_bonus'), 0)::text AS bonus_granted,
             (-coalesce(sum(e.amount) FILTER (WHERE t.type IN ('bonus_forfeit', 'bonus_expire') AND a.kind = 'player_bonus'), 0))::text AS bonus_removed,
             (-coalesce(sum(e.amount) FILTER (WHERE t.type IN ('bet', 'win', 'rollback') AND a.kind = 'player_cash'), 0))::text AS ggr
        FROM ledger_transactions t
        JOIN ledger_entries e ON e.transaction_id = t.id
        JOIN ledger_accounts a ON a.id = e.account_id
       GROUP BY t.currency ORDER BY t.currency`)) as Record<string, string>[];
  }

  it('grants, conversions and forfeits: the bonus measures equal the ledger, and bonus_converted the bonus cost', async () => {
    const kit = bonusKit(app, admin);
    const eurTemplate = await kit.template();
    const gbpTemplate = await kit.template({ currency: 'GBP', amount: '3000', maxConversion: '5000' });
    const endings = app.get(PlayerBonusEndings);
    const convert = async (bonusId: string): Promise<void> => {
      // The bet path completes wagering (bonus-wagering.e2e-spec.ts); here the bonus is put there directly.
      await dataSource.query(`UPDATE player_bonuses SET status = 'wagering_complete' WHERE id = $1`, [bonusId]);
      await endings.convertIfComplete(bonusId);
      const [row] = (await dataSource.query('SELECT status FROM player_bonuses WHERE id = $1', [bonusId])) as {
        status: string;
      }[];
      expect(row?.status).toBe('converted');
    };
    const granted = async (templateId: string, userId: string): Promise<string> => {
      const response = await kit.grant(templateId, userId);
      expect(response.statusCode).toBe(201);
      return response.json<{ id: string }>().id;
    };

    // EUR: A's 5000 converts capped at 2000; B's 5000 is forfeited. GBP: C's 3000 converts whole; D's stays active.
    const a = await newPlayer(app, 'bonus-a', 1000n, 'EUR');
    await convert(await granted(eurTemplate, a.userId));
    const b = await newPlayer(app, 'bonus-b', 1000n, 'EUR');
    const forfeited = await granted(eurTemplate, b.userId);
    expect((await kit.act(b.headers, forfeited, 'forfeit')).statusCode).toBeLessThan(300);
    const c = await newPlayer(app, 'bonus-c', 1000n, 'GBP');
    await convert(await granted(gbpTemplate, c.userId));
    const d = await newPlayer(app, 'bonus-d', 1000n, 'GBP');
    await granted(gbpTemplate, d.userId);
    await loaded();

    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/reports/query',
      headers: bearer(admin.accessToken),
      payload: { measures: MEASURES, dimensions: ['currency'], timeZone: 'UTC', dateRange: RANGE },
    });
    expect(response.statusCode).toBe(200);
    const report = response.json<ReportBody>();
    const ledger = await ledgerFigures();
    // NGR keeps equalling the ledger: GGR minus the cash of bonus_convert (no gaming tax configured).
    const expected = ledger.map((row) => ({
      ...row,
      ngr: (BigInt(row['ggr'] ?? '0') - BigInt(row['bonus_cost'] ?? '0')).toString(),
    }));
    expect(report.rows).toEqual(expected);
    expect(report.totals).toEqual(expected);
    expect(report.rows).toEqual([
      expect.objectContaining({
        currency: 'EUR',
        bonus_granted: '10000',
        bonus_converted: '2000',
        bonus_cost: '2000',
        bonus_removed: '5000',
      }),
      expect.objectContaining({
        currency: 'GBP',
        bonus_granted: '6000',
        bonus_converted: '3000',
        bonus_cost: '3000',
        bonus_removed: '0',
      }),
    ]);

    // etl:verify: the wallet facts and the bonus facts against the ledger (EUR grant, convert, forfeit; GBP grant,
    // convert).
    expect(await checkLedgerAgainstFacts(dataSource, clickhouse, RANGE)).toEqual({
      ok: true,
      compared: expect.any(Number),
    });
    expect(await checkLedgerAgainstBonusFacts(dataSource, clickhouse, RANGE)).toEqual({ ok: true, compared: 5 });
  }, 120_000);

  it('does not change the bonus facts when their events are delivered again or republished under new ids', async () => {
    const before = await bonusRollup();
    const facts = await count('bonus_events');
    const events = await outboxBonusEvents();
    expect(events.length).toBe(Number(facts));
    const bus = worker.get<EventBus>(EVENT_BUS);
    for (const event of events) {
      await bus.publish('bonus', event as DomainEventEnvelope);
      await bus.publish('bonus', { ...event, id: randomUUID() });
    }
    // A batch handed to the loader again (the worker died after ClickHouse took it, before the ack) inserts nothing.
    expect(await worker.get(FactsLoader).loadBonusEvents(events)).toBe(0);
    // Give the republished copies time to reach the loader, were it to let one through.
    await eventually(
      async () => {
        const metrics = (await worker.inject({ method: 'GET', url: '/metrics' })).body;
        return (
          /worker_etl_pending_messages\{consumer="bonus"\} 0/.test(metrics) &&
          /worker_etl_duplicate_rows_total\{table="bonus_events"\} [1-9]/.test(metrics)
        );
      },
      30_000,
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await count('bonus_events')).toBe(facts);
    expect(await bonusRollup()).toEqual(before);
    expect((await checkLedgerAgainstBonusFacts(dataSource, clickhouse, RANGE)).ok).toBe(true);
  }, 60_000);

  it('rebuilds the bonus facts from PostgreSQL with etl:backfill, once', async () => {
    const before = await bonusRollup();
    const facts = await count('bonus_events');
    const config = loadEtlBackfillConfig({
      ...isolatedSettings(environment.id),
      DATABASE_URL: environment.config.DATABASE_URL,
      ETL_BATCH_MAX_ROWS: '2',
    });
    const over = await backfillFacts(config, RANGE);
    expect(over.find((table) => table.table === 'bonus_events')).toEqual({
      table: 'bonus_events',
      read: Number(facts),
      inserted: 0,
      skipped: Number(facts),
    });
    // Lost from ClickHouse (facts and rollup): the backfill puts back the same.
    await worker.close();
    worker = undefined as unknown as NestFastifyApplication;
    await clickhouse.command({ query: 'TRUNCATE TABLE bonus_events' });
    await clickhouse.command({ query: 'TRUNCATE TABLE bonus_15m' });
    expect((await checkLedgerAgainstBonusFacts(dataSource, clickhouse, RANGE)).ok).toBe(false);
    const rebuilt = await backfillFacts(config, RANGE);
    expect(rebuilt.find((table) => table.table === 'bonus_events')).toMatchObject({ inserted: Number(facts) });
    expect(await bonusRollup()).toEqual(before);
    expect(await checkLedgerAgainstBonusFacts(dataSource, clickhouse, RANGE)).toEqual({ ok: true, compared: 5 });
  }, 90_000);
});
