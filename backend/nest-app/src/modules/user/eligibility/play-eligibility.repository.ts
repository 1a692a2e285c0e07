import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { REQUIRED_CONSENTS } from '../consents/consent-types';
import type { EligibilityFacts } from './play-eligibility-rules';

export interface EligibilityRow {
  birth_date: string | null;
  age_verified_at: Date | null;
  /** `consent_<kind>` per required consent: the version its latest decision granted, else null. */
  [consent: `consent_${string}`]: string | null;
}

/**
 * The birth date, its verification and per required consent the version its latest decision granted (one index
 * probe each on `user_consents_latest_idx`), as columns of a statement naming the user `u`; also part of the bet
 * gate's one read (`RgBetGateRepository`), where a scalar subquery per kind measured cheaper than one aggregate.
 */
export const ELIGIBILITY_COLUMNS_SQL = [
  `to_char(u.birth_date, 'YYYY-MM-DD') AS birth_date`,
  'u.age_verified_at',
  ...REQUIRED_CONSENTS.map(
    (kind) => `(SELECT CASE WHEN uc.granted THEN uc.version END FROM user_consents uc
       WHERE uc.user_id = u.id AND uc.kind = '${kind}' ORDER BY uc.id DESC LIMIT 1) AS consent_${kind}`,
  ),
].join(',\n  ');

export function factsOf(row: EligibilityRow): EligibilityFacts {
  const accepted: EligibilityFacts['accepted'] = {};
  for (const kind of REQUIRED_CONSENTS) {
    const version = row[`consent_${kind}`];
    if (version) accepted[kind] = version;
  }
  return { accepted, birthDate: row.birth_date, ageVerifiedAt: row.age_verified_at };
}

/** What real-money eligibility is decided on, and the record of a verified age. */
@Injectable()
export class PlayEligibilityRepository {
  public constructor(private readonly dataSource: DataSource) {}

  /** null: no such user. */
  public async findFacts(
    userId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<EligibilityFacts | null> {
    const rows = (await manager.query(`SELECT ${ELIGIBILITY_COLUMNS_SQL} FROM users u WHERE u.id = $1`, [
      userId,
    ])) as EligibilityRow[];
    return rows[0] ? factsOf(rows[0]) : null;
  }

  /** Records the first verification only (a later one changes nothing); answers whether this one was recorded. */
  public async markAgeVerified(manager: EntityManager, userId: string, at: Date, by: string): Promise<boolean> {
    const rows = (await manager.query(
      `UPDATE users SET age_verified_at = $2, age_verified_by = $3, updated_at = $2
       WHERE id = $1 AND age_verified_at IS NULL RETURNING id`,
      [userId, at, by],
    )) as [unknown[], number];
    return rows[1] > 0;
  }
}
