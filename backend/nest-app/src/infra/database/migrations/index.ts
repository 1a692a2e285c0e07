import { Foundation1764230000000 } from './1764230000000-foundation';
import { Outbox1764230100000 } from './1764230100000-outbox';
import { WalletLedger1764230200000 } from './1764230200000-wallet-ledger';
import { Users1764230300000 } from './1764230300000-users';
import { UserKyc1764230310000 } from './1764230310000-user-kyc';
import { ResponsibleGaming1764230320000 } from './1764230320000-responsible-gaming';
import { UserConsents1764230330000 } from './1764230330000-user-consents';
import { Auth1764230380000 } from './1764230380000-auth';
import { Games1764230400000 } from './1764230400000-games';
import { Payments1764230500000 } from './1764230500000-payments';
import { SetBasedIntegrity1764230600000 } from './1764230600000-set-based-integrity';
import { HotPathIndexes1764230610000 } from './1764230610000-hot-path-indexes';
import { GameTransactionHotUpdates1764230620000 } from './1764230620000-game-transaction-hot-updates';
import { LedgerBatchAbort1764230630000 } from './1764230630000-ledger-batch-abort';
import { KeyedIntegrityChecks1764230640000 } from './1764230640000-keyed-integrity-checks';
import { PaymentProviderCheckedAt1764230650000 } from './1764230650000-payment-provider-checked-at';
import { PaymentLostCreationOrder1764230660000 } from './1764230660000-payment-lost-creation-order';
import { UserAgeVerification1764230670014 } from './1764230670014-user-age-verification';
import { GameSessionsOpenIndex1764230680019 } from './1764230680019-game-sessions-open-index';
import { Admin1764230700000 } from './1764230700000-admin';
import { PaymentRefunds1764230710000 } from './1764230710000-payment-refunds';
import { ReportExports1764230730000 } from './1764230730000-report-exports';
import { ReportSchedules1764230740000 } from './1764230740000-report-schedules';
import { BackfillCreatedAtIndexes1764230750000 } from './1764230750000-backfill-created-at-indexes';
import { BonusTemplates1764230760000 } from './1764230760000-bonus-templates';
import { OutboxNotify1764230770000 } from './1764230770000-outbox-notify';
import { PartialRefunds1764230800400 } from './1764230800400-partial-refunds';
import { BonusLedger1764230800600 } from './1764230800600-bonus-ledger';
import { PlayerBonuses1764230800601 } from './1764230800601-player-bonuses';
import { OutboxTraceContext1764230800801 } from './1764230800801-outbox-trace-context';
import { PlayerBonusSweep1764230801000 } from './1764230801000-player-bonus-sweep';
import { FreeSpins1764230801100 } from './1764230801100-free-spins';
import { Cashback1764230801101 } from './1764230801101-cashback';
import { WelcomeClaims1764230801102 } from './1764230801102-welcome-claims';
import { PaymentIntentMethod1764230801400 } from './1764230801400-payment-intent-method';

/** Every migration, in order. Generated with `npm run migration:generate`; never edited once merged. */
export const MIGRATIONS = [
  Foundation1764230000000,
  Outbox1764230100000,
  WalletLedger1764230200000,
  Users1764230300000,
  UserKyc1764230310000,
  ResponsibleGaming1764230320000,
  UserConsents1764230330000,
  Auth1764230380000,
  Games1764230400000,
  Payments1764230500000,
  SetBasedIntegrity1764230600000,
  HotPathIndexes1764230610000,
  GameTransactionHotUpdates1764230620000,
  LedgerBatchAbort1764230630000,
  KeyedIntegrityChecks1764230640000,
  PaymentProviderCheckedAt1764230650000,
  PaymentLostCreationOrder1764230660000,
  UserAgeVerification1764230670014,
  GameSessionsOpenIndex1764230680019,
  Admin1764230700000,
  PaymentRefunds1764230710000,
  ReportExports1764230730000,
  ReportSchedules1764230740000,
  BackfillCreatedAtIndexes1764230750000,
  BonusTemplates1764230760000,
  OutboxNotify1764230770000,
  PartialRefunds1764230800400,
  BonusLedger1764230800600,
  PlayerBonuses1764230800601,
  OutboxTraceContext1764230800801,
  PlayerBonusSweep1764230801000,
  FreeSpins1764230801100,
  Cashback1764230801101,
  WelcomeClaims1764230801102,
  PaymentIntentMethod1764230801400,
];
