import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { BonusModule } from '../bonus';
import { UserModule } from '../user/user.module';
import { WalletModule } from '../wallet/wallet.module';
import { ActionsGamesApiClient } from './actions/actions-games-api.client';
import { ActionsWalletController } from './actions/actions-wallet.controller';
import { ActionsAdapter } from './actions/actions.adapter';
import { CatalogSyncProcessor, CatalogSyncScheduler, GAME_CATALOG_QUEUE } from './catalog/catalog-sync.processor';
import { CatalogSyncService } from './catalog/catalog-sync.service';
import { GamesAdminController } from './catalog/games-admin.controller';
import { GamesController } from './catalog/games.controller';
import { GamesRepository } from './catalog/games.repository';
import { GamesService } from './catalog/games.service';
import { ProviderFreeSpinsIssuer } from './free-spins/free-spins-issuer';
import { Hub88FreebetsClient } from './hub88/hub88-freebets.client';
import { Hub88GamesApiClient } from './hub88/hub88-games-api.client';
import { Hub88WalletController } from './hub88/hub88-wallet.controller';
import { Hub88Adapter } from './hub88/hub88.adapter';
import { GAMES_API_CLIENTS, type GamesApiClient } from './providers/games-api';
import { Hub88Overrides } from './providers/hub88-overrides';
import { ProviderCredentialsCipher } from './providers/provider-credentials.cipher';
import { ProvidersAdminController } from './providers/providers-admin.controller';
import { ProvidersRepository } from './providers/providers.repository';
import { ProvidersService } from './providers/providers.service';
import { GameTransactionsRepository } from './seamless/game-transactions.repository';
import { RollbackFlow } from './seamless/rollback.flow';
import { SEAMLESS_ADAPTERS, type SeamlessAdapter } from './seamless/seamless-adapter';
import { ProviderBodyParserInstaller } from './seamless/provider-body';
import { SeamlessGateway } from './seamless/seamless-gateway';
import { SeamlessWalletService } from './seamless/seamless-wallet.service';
import { GameRowEnds } from './seamless/game-row-ends';
import { WalletDriver } from './seamless/wallet-driver';
import { GameLaunchController } from './sessions/game-launch.controller';
import { GameSessionsRepository } from './sessions/game-sessions.repository';
import { GameSessionsService } from './sessions/game-sessions.service';
import { GameSessionSweeper } from './sessions/game-session-sweeper';

/**
 * Game providers and their protocols, the catalog, game sessions and launch, and the seamless wallet
 * that providers call. Money moves only through the wallet module's WalletService.
 */
@Module({
  imports: [UserModule, WalletModule, BonusModule, BullModule.registerQueue({ name: GAME_CATALOG_QUEUE })],
  controllers: [
    GamesController,
    GamesAdminController,
    GameLaunchController,
    ProvidersAdminController,
    Hub88WalletController,
    ActionsWalletController,
  ],
  providers: [
    ProviderCredentialsCipher,
    ProvidersRepository,
    ProvidersService,
    Hub88Overrides,
    GamesRepository,
    GamesService,
    CatalogSyncService,
    CatalogSyncProcessor,
    CatalogSyncScheduler,
    GameSessionsRepository,
    GameSessionsService,
    GameSessionSweeper,
    GameTransactionsRepository,
    GameRowEnds,
    WalletDriver,
    RollbackFlow,
    SeamlessWalletService,
    SeamlessGateway,
    ProviderBodyParserInstaller,
    Hub88Adapter,
    ActionsAdapter,
    Hub88GamesApiClient,
    ActionsGamesApiClient,
    Hub88FreebetsClient,
    ProviderFreeSpinsIssuer,
    {
      provide: SEAMLESS_ADAPTERS,
      inject: [Hub88Adapter, ActionsAdapter],
      useFactory: (...adapters: SeamlessAdapter[]): SeamlessAdapter[] => adapters,
    },
    {
      provide: GAMES_API_CLIENTS,
      inject: [Hub88GamesApiClient, ActionsGamesApiClient],
      useFactory: (...clients: GamesApiClient[]): GamesApiClient[] => clients,
    },
  ],
  exports: [ProvidersService, GamesService, SeamlessWalletService],
})
export class GameModule {}
