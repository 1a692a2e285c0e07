import { Injectable } from '@nestjs/common';
import { counterOf as counter } from '@casino/platform';

const SIGNATURE_FAILURES = 'payment_webhook_signature_failures_total';
const WEBHOOK_EVENTS = 'payment_webhook_events_total';
const RECONCILIATION_MISMATCHES = 'payment_reconciliation_mismatches_total';
const RECORD_MISSING_HALTS = 'payment_provider_record_missing_halts_total';
const RECONCILIATION_FOLLOWS = 'payment_reconciliation_follows_total';
const RECONCILIATION_OUTAGE_SKIPS = 'payment_reconciliation_outage_skips_total';

@Injectable()
export class PaymentMetrics {
  public readonly signatureFailures = counter(
    SIGNATURE_FAILURES,
    'Payment webhooks refused for their signature, by provider and reason',
    ['provider', 'reason'],
  );

  public readonly webhookEvents = counter(WEBHOOK_EVENTS, 'Verified payment webhooks by provider and outcome', [
    'provider',
    'outcome',
  ]);

  public readonly reconciliationMismatches = counter(
    RECONCILIATION_MISMATCHES,
    'Mismatches found by payment reconciliation, by kind',
    ['kind'],
  );

  public readonly recordMissingHalts = counter(
    RECORD_MISSING_HALTS,
    'Expiry or reconciliation runs that stopped canceling or reporting intents the provider has no record of, by provider',
    ['provider'],
  );

  public readonly reconciliationFollows = counter(
    RECONCILIATION_FOLLOWS,
    'Open intents reconciliation read again at their provider, by provider, kind and what following the record did',
    ['provider', 'kind', 'outcome'],
  );

  public readonly reconciliationOutageSkips = counter(
    RECONCILIATION_OUTAGE_SKIPS,
    'Provider calls a reconciliation or expiry run left out because the provider stopped answering earlier in the run, by provider and step',
    ['provider', 'step'],
  );
}
