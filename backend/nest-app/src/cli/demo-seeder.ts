import type { INestApplicationContext } from '@nestjs/common';

/** Puts one module's demo data in place. Must be idempotent: `npm start` runs every seeder each time. */
export interface DemoSeeder {
  readonly name: string;
  seed(app: INestApplicationContext): Promise<string>;
}
