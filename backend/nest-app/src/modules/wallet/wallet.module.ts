import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AdjustHandler } from './commands/adjust.command';
import { BonusMoneyHandler } from './commands/bonus-money.command';
import { CaptureHoldHandler } from './commands/capture-hold.command';
import { DepositHandler } from './commands/deposit.command';
import { HoldFundsHandler } from './commands/hold-funds.command';
import { PlaceBetHandler } from './commands/place-bet.command';
import { ReleaseHoldHandler } from './commands/release-hold.command';
import { RollbackHandler } from './commands/rollback.command';
import { SettleWinHandler } from './commands/settle-win.command';
import { LedgerEngine } from './ledger/ledger-engine';
import { LedgerLoader } from './ledger/ledger-loader';
import { LedgerRepository } from './ledger/ledger.repository';
import { UserEventsConsumer } from './user-events.consumer';
import { WalletAdminController } from './wallet-admin.controller';
import { WalletController } from './wallet.controller';
import { WalletDirectory } from './wallet.directory';
import { WalletRepository } from './wallet.repository';
import { WalletService } from './wallet.service';
import { WalletVerifier } from './wallet.verifier';

const COMMAND_HANDLERS = [
  DepositHandler,
  HoldFundsHandler,
  CaptureHoldHandler,
  ReleaseHoldHandler,
  PlaceBetHandler,
  SettleWinHandler,
  RollbackHandler,
  AdjustHandler,
  BonusMoneyHandler,
];

/** The double-entry ledger, its commands, its API and the wallet creation on `user.registered`. */
@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [WalletController, WalletAdminController],
  providers: [
    ...COMMAND_HANDLERS,
    LedgerEngine,
    LedgerLoader,
    LedgerRepository,
    WalletDirectory,
    WalletRepository,
    WalletService,
    WalletVerifier,
    UserEventsConsumer,
  ],
  exports: [WalletService, WalletVerifier],
})
export class WalletModule {}
