import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CommonModule } from './common/common.module';
import type { Clock } from './common/time/clock';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { InfraModule } from './infra/infra.module';
import { AdminModule } from './modules/admin';
import { BonusModule } from './modules/bonus';
import { AuthModule } from './modules/auth/auth.module';
import { GameModule } from './modules/game/game.module';
import { PaymentModule } from './modules/payment/payment.module';
import { ReportModule } from './modules/report';
import { UserModule } from './modules/user/user.module';
import { WalletModule } from './modules/wallet/wallet.module';

@Module({})
export class AppModule {
  /** `extraModules` lets tests mount probe controllers beside the real ones; `clock` replaces the system clock. */
  public static forRoot(
    config: AppConfig,
    extraModules: (Type<unknown> | DynamicModule)[] = [],
    clock?: Clock,
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        InfraModule.forRoot(config),
        CommonModule.forRoot(clock),
        // Feature modules (auth, user, wallet, game, payment, report, admin) are listed here.
        AuthModule.forRoot(config),
        UserModule,
        WalletModule,
        PaymentModule,
        GameModule,
        AdminModule,
        ReportModule,
        BonusModule,
        ...extraModules,
      ],
    };
  }
}
