import { Foundation1764230000000 } from './1764230000000-foundation';
import { Outbox1764230100000 } from './1764230100000-outbox';

/** Every migration, in order. Generated with `npm run migration:generate`; never edited once merged. */
export const MIGRATIONS = [Foundation1764230000000, Outbox1764230100000];
