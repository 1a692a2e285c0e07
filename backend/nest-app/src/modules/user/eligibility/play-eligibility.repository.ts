import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { REQUIRED_CONSENTS, type ConsentKind } from '../consents/consent-types';
import type { EligibilityFacts } from './play-eligibility-rules';

export interface EligibilityRow {
  birth_date: string | null;
  age_verified_at: Date | null;
  consents: { kind: ConsentKind; version: string; granted: boolean }[] | null;
}

/**
 * The latest decision on each required consent as a JSON array, for a statement naming the user `u`
 * (also a fragment of the bet gate's one read, `RgBetGateRepository`).
 */
export const REQUIRED_CONSENTS_SQL = `(
    SELECT json_agg(json_build_object('kind', c.kind, 'version', c.version, 'granted', c.granted))
    FROM (SELECT DISTINCT ON (uc.kind) uc.kind, uc.version, uc.granted FROM user_consents uc
          WHERE uc.user_id = u.id AND uc.kind IN (${REQUIRED_CONSENTS.map((kind) => `'${kind}'`).join(', ')})
          ORDER BY uc.kind, uc.id DESC) c
  )`;

export function factsOf(row: EligibilityRow): EligibilityFacts {
  return { consents: row.consents ?? [], birthDate: row.birth_date, ageVerifiedAt: row.age_verified_at };
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
    const rows = (await manager.query(
      `SELECT to_char(u.birth_date, 'YYYY-MM-DD') AS birth_date, u.age_verified_at, ${REQUIRED_CONSENTS_SQL} AS consents
       FROM users u WHERE u.id = $1`,
      [userId],
    )) as EligibilityRow[];
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
