import { streamNameFor, type DomainEventEnvelope, type EventStreamKey } from '@casino/contracts';
import type { INestApplicationContext } from '@nestjs/common';
import { connect } from 'nats';
import { randomUUID } from 'node:crypto';
import { register, type Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import type { LedgerResult } from '../src/modules/wallet/ledger/ledger.types';
import { WalletService } from '../src/modules/wallet/wallet.service';
import { WalletVerifier } from '../src/modules/wallet/wallet.verifier';

/** Settings for wallet suites that drive the relay and the consumer themselves. */
export const QUIET_WALLET_SETTINGS = { OUTBOX_RELAY_ENABLED: 'false', WALLET_USER_CONSUMER_ENABLED: 'false' };

export interface WalletKit {
  wallets: WalletService;
  dataSource: DataSource;
  verifier: WalletVerifier;
  /** Opens a wallet for a new player and deposits `cash` into it. */
  funded(cash: bigint, currency?: string): Promise<{ userId: string; walletId: string }>;
  key(): { scope: string; key: string };
}

export function walletKit(app: INestApplicationContext): WalletKit {
  const wallets = app.get(WalletService);
  const kit: WalletKit = {
    wallets,
    dataSource: app.get(DataSource),
    verifier: app.get(WalletVerifier),
    key: () => ({ scope: 'test', key: randomUUID() }),
    funded: async (cash, currency = 'EUR') => {
      const userId = randomUUID();
      const { walletId } = await wallets.openWallet(userId, currency);
      if (cash > 0n) {
        await wallets.deposit({
          wallet: { walletId },
          currency,
          amount: cash,
          provider: 'testpsp',
          idempotency: kit.key(),
        });
      }
      return { userId, walletId };
    },
  };
  return kit;
}

/** The promise's DomainError code, or 'ok'. */
export async function codeOf(promise: Promise<LedgerResult>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

export async function expectInvariants(kit: WalletKit): Promise<void> {
  const result = await kit.verifier.verify();
  if (!result.ok) throw new Error(`ledger invariant broken: ${JSON.stringify(result.violation)}`);
}

/** Every message in one of the suite's JetStream streams, read in order by an ordered JetStream consumer. */
export async function readStream(
  config: { NATS_URL: string; NATS_SUBJECT_PREFIX: string },
  stream: EventStreamKey,
): Promise<DomainEventEnvelope[]> {
  const connection = await connect({ servers: config.NATS_URL.split(',') });
  try {
    const name = streamNameFor(config.NATS_SUBJECT_PREFIX, stream);
    const total = (await (await connection.jetstreamManager()).streams.info(name)).state.messages;
    const consumer = await connection.jetstream().consumers.get(name);
    const events: DomainEventEnvelope[] = [];
    const decoder = new TextDecoder();
    // An empty or short fetch is not the end: on a loaded machine (or a cluster catching up) a fetch can expire
    // before the server's messages arrive. Read until the stream's count, or until nothing came for 30 s.
    let idleSince = Date.now();
    while (events.length < total && Date.now() - idleSince < 30_000) {
      const batch = await consumer.fetch({ max_messages: 1000, expires: 2000 });
      for await (const message of batch) {
        events.push(JSON.parse(decoder.decode(message.data)) as DomainEventEnvelope);
        idleSince = Date.now();
      }
    }
    // A short read is the reader's failure, not the stream's: say which, so that a loss is never mistaken for it.
    if (events.length < total) throw new Error(`read ${events.length} of the ${total} messages ${name} holds`);
    return events;
  } finally {
    await connection.close();
  }
}

/**
 * After the relay drained the outbox: the wallet stream holds each committed transaction's event exactly once, and
 * each of `walletIds`' events in the order they were committed.
 */
export async function expectWalletEventsOnceInOrder(
  dataSource: DataSource,
  config: { NATS_URL: string; NATS_SUBJECT_PREFIX: string },
  walletIds: string[],
): Promise<void> {
  const committed = await committedTransactions(dataSource);
  const published = (await readStream(config, 'wallet')).map((event) => event.id);
  expect(published).toHaveLength(committed.length);
  expect(new Set(published)).toEqual(new Set(committed.map((transaction) => transaction.event_id)));
  const position = new Map(published.map((id, index) => [id, index]));
  for (const walletId of walletIds) {
    const order = committed
      .filter((transaction) => transaction.wallet_id === walletId)
      .map((transaction) => position.get(transaction.event_id) ?? -1);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }
}

/** Committed transactions (id, event id, wallet) in outbox order. */
export async function committedTransactions(
  dataSource: DataSource,
): Promise<{ id: string; event_id: string; wallet_id: string }[]> {
  return (await dataSource.query(
    `SELECT t.id, t.event_id, t.wallet_id FROM ledger_transactions t JOIN outbox_events o ON o.id = t.event_id ORDER BY o.position`,
  )) as { id: string; event_id: string; wallet_id: string }[];
}

export async function pendingOutboxRows(dataSource: DataSource): Promise<number> {
  const rows = (await dataSource.query(`SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL`)) as {
    n: number;
  }[];
  return rows[0]?.n ?? 0;
}

/** Ledger batches by how their single-statement attempt went, over every app of the test process (one registry). */
export async function singleStatementCounts(): Promise<Record<string, number>> {
  const metric = register.getSingleMetric('casino_ledger_single_statement_batches_total') as Counter | undefined;
  const values = (await metric?.get())?.values ?? [];
  return Object.fromEntries(values.map(({ labels, value }) => [String(labels.outcome), value]));
}
