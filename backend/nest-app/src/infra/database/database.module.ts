import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/app-config';
import { HotPathDatabase } from './hot-path-database';
import { typeOrmOptions } from './typeorm-options';

@Module({})
export class DatabaseModule {
  public static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [TypeOrmModule.forRoot({ ...typeOrmOptions(config), migrationsRun: config.migrateOnStart })],
      providers: [{ provide: HotPathDatabase, useFactory: () => new HotPathDatabase(config) }],
      exports: [HotPathDatabase],
    };
  }
}
