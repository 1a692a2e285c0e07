import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConsentsService } from '../consents/consents.service';
import { ProfileService } from '../profile/profile.service';
import { PlayEligibilityService } from './play-eligibility.service';

/** An adult's date of birth for seeded players. */
export const SEEDED_BIRTH_DATE = '1990-01-01';

/**
 * Makes a seeded player (demo seeder, benchmark seed, tests not about eligibility) eligible for real money through
 * the user module's own writes: the current required consents recorded (only when not current already), a birth
 * date set when none is on file, and the age verification recorded as `seed:<source>`, so a seeded verification is
 * never taken for a KYC one. Idempotent.
 */
export async function seedEligiblePlayer(app: INestApplicationContext, userId: string, source: string): Promise<void> {
  const consents = app.get(ConsentsService);
  const outdated = (await consents.list(userId)).consents.filter((consent) => consent.required && !consent.granted);
  if (outdated.length > 0) {
    const decisions = outdated.map(({ kind, currentVersion }) => ({ kind, version: currentVersion, granted: true }));
    await consents.record(userId, decisions, { ip: '127.0.0.1', userAgent: `seed:${source}` });
  }
  const profiles = app.get(ProfileService);
  if ((await profiles.getProfile(userId)).birthDate === null) {
    await profiles.updateProfile(userId, { birthDate: SEEDED_BIRTH_DATE });
  }
  const eligibility = app.get(PlayEligibilityService);
  await app.get(DataSource).transaction((manager) => eligibility.recordAgeVerified(manager, userId, `seed:${source}`));
}
