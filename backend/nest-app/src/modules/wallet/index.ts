/** The wallet module's public face: what other modules may import. */
export { WalletModule } from './wallet.module';
export { WalletService, type WalletView } from './wallet.service';
export type { LedgerResult, WalletBalances } from './ledger/ledger.types';
