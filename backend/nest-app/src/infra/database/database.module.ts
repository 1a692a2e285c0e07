import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../../config/app-config';
import { typeOrmOptions } from './typeorm-options';

@Module({})
export class DatabaseModule {
  public static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...typeOrmOptions(config), migrationsRun: config.migrateOnStart })],
    };
  }
}
