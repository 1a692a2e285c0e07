/** The wallet module's public face: what other modules may import. */
export { WalletModule } from './wallet.module';
export { WalletService, type WalletView } from './wallet.service';
export type { LedgerResult, WalletBalances } from './ledger/ledger.types';
/** Ports: work another module writes inside the ledger's transaction. */
export type { WithinTransaction, Attachment, AttachedWriter, AttachedItem } from './ledger/ledger-engine';
