import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../../config/load-app-config';
import { typeOrmOptions } from './typeorm-options';

/** For the TypeORM CLI (`npm run migration:generate`). */
export default new DataSource(typeOrmOptions(loadAppConfig()));
