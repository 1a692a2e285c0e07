import type { PaymentIntent } from '../intents/payment-intent.types';
import type { ProviderPayment, ProviderPayout } from '../psp/payment-provider';

export type MismatchKind =
  | 'wallet_movement_missing'
  | 'wallet_amount_mismatch'
  | 'wallet_credit_without_success'
  /** Two movements of one kind (credit, capture or release) for one intent: money moved twice. */
  | 'wallet_movement_duplicated'
  | 'psp_record_missing'
  | 'psp_status_mismatch'
  | 'psp_amount_mismatch'
  /** The record an open intent's follow read names another intent, amount or currency: not applied. */
  | 'psp_record_differs'
  | 'psp_unreachable';

export interface Mismatch {
  kind: MismatchKind;
  provider: string;
  intentId: string | null;
  details: Record<string, string>;
}

/** A wallet transaction made for a payment (its metadata names the intent). */
export interface PaymentWalletMovement {
  transactionId: string;
  type: string;
  amount: bigint;
  intentId: string;
}

/** What the wallet must show for a settled intent: the deposit credit, or the capture of a paid withdrawal. */
const WALLET_TYPE: Record<PaymentIntent['kind'], string> = { deposit: 'deposit', withdrawal: 'hold_capture' };
const RELEASE = 'hold_release';

/**
 * Intents against the wallet's movements made for them, both ways: a succeeded intent has exactly one credit (or
 * capture) of its amount, nothing else has one, and a failed or canceled withdrawal whose hold was placed has
 * exactly one release. A second movement of one kind for one intent is money moved twice (the wallet's keys derive
 * from the intent, so only a bug elsewhere could write one): reported, never collapsed into the first.
 */
export function compareWithWallet(intents: PaymentIntent[], movements: PaymentWalletMovement[]): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const byIntent = new Map(intents.map((intent) => [intent.id, intent]));
  const found = new Map<string, PaymentWalletMovement[]>();
  const releases = new Map<string, PaymentWalletMovement[]>();
  for (const movement of movements) {
    const intent = byIntent.get(movement.intentId);
    if (!intent) continue;
    if (intent.kind === 'withdrawal' && movement.type === RELEASE) {
      releases.set(intent.id, [...(releases.get(intent.id) ?? []), movement]);
      continue;
    }
    if (movement.type !== WALLET_TYPE[intent.kind]) continue;
    found.set(intent.id, [...(found.get(intent.id) ?? []), movement]);
    if (intent.status !== 'succeeded') {
      mismatches.push(
        mismatch('wallet_credit_without_success', intent, {
          status: intent.status,
          transactionId: movement.transactionId,
        }),
      );
    }
  }
  for (const [intentId, moved] of [...found, ...releases]) {
    const intent = byIntent.get(intentId);
    if (intent && moved.length > 1) {
      mismatches.push(
        mismatch('wallet_movement_duplicated', intent, {
          type: moved[0]?.type ?? '',
          transactionIds: moved.map((movement) => movement.transactionId).join(','),
        }),
      );
    }
  }
  for (const intent of intents) {
    if (intent.status === 'succeeded') {
      const movement = found.get(intent.id)?.[0];
      if (!movement) {
        mismatches.push(mismatch('wallet_movement_missing', intent, { expected: WALLET_TYPE[intent.kind] }));
      } else if (movement.amount !== intent.amount && -movement.amount !== intent.amount) {
        mismatches.push(
          mismatch('wallet_amount_mismatch', intent, {
            intent: intent.amount.toString(),
            wallet: movement.amount.toString(),
          }),
        );
      }
    } else if (releasesHold(intent) && !releases.has(intent.id)) {
      mismatches.push(mismatch('wallet_movement_missing', intent, { expected: RELEASE }));
    }
  }
  return mismatches;
}

/** A withdrawal that ended without paying out, whose hold was placed: the hold must have been released. */
function releasesHold(intent: PaymentIntent): boolean {
  return (
    intent.kind === 'withdrawal' &&
    intent.walletHoldId !== null &&
    (intent.status === 'failed' || intent.status === 'canceled')
  );
}

/** One provider's intents against its own record of payments and payouts, both ways. */
export function compareWithProvider(
  intents: PaymentIntent[],
  payments: ProviderPayment[],
  payouts: ProviderPayout[],
): Mismatch[] {
  const mismatches: Mismatch[] = [];
  const records = new Map<string, { status: string; succeeded: boolean; amount: bigint }>();
  for (const payment of payments) {
    if (payment.intentId)
      records.set(payment.intentId, {
        status: payment.status,
        succeeded: payment.status === 'succeeded',
        amount: payment.amount,
      });
  }
  for (const payout of payouts) {
    if (payout.intentId)
      records.set(payout.intentId, {
        status: payout.status,
        succeeded: payout.status === 'paid',
        amount: payout.amount,
      });
  }
  for (const intent of intents) {
    const record = records.get(intent.id);
    if (!record) {
      if (intent.status === 'succeeded') mismatches.push(mismatch('psp_record_missing', intent, {}));
      continue;
    }
    if (record.succeeded !== (intent.status === 'succeeded')) {
      mismatches.push(mismatch('psp_status_mismatch', intent, { ours: intent.status, provider: record.status }));
    } else if (record.amount !== intent.amount) {
      mismatches.push(
        mismatch('psp_amount_mismatch', intent, { ours: intent.amount.toString(), provider: record.amount.toString() }),
      );
    }
  }
  return mismatches;
}

function mismatch(kind: MismatchKind, intent: PaymentIntent, details: Record<string, string>): Mismatch {
  return { kind, provider: intent.provider, intentId: intent.id, details: { kind: intent.kind, ...details } };
}
