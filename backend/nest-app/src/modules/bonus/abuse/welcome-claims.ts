import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What identifies the person behind a welcome bonus besides their account, when known. */
export interface WelcomeKeys {
  instrumentFingerprint?: string;
  deviceFingerprint?: string;
}

const REASONS = { instrument: 'welcome_bonus_instrument_used', device: 'welcome_bonus_device_used' } as const;

/**
 * One welcome bonus per payment instrument and per device fingerprint (shared/reference/bonuses.md "Eligibility"):
 * the grant claims each known key in the money's transaction; a key another player claimed refuses the grant with
 * BONUS_NOT_GRANTABLE and a stable reason, and the whole grant (money included) rolls back.
 */
@Injectable()
export class WelcomeClaims {
  public async claimIn(
    manager: EntityManager,
    claim: { userId: string; playerBonusId: string; keys: WelcomeKeys },
  ): Promise<void> {
    const keys = [
      ['instrument', claim.keys.instrumentFingerprint],
      ['device', claim.keys.deviceFingerprint],
    ] as const;
    for (const [kind, value] of keys) {
      if (!value) continue;
      const rows = (await manager.query(
        `INSERT INTO bonus_welcome_claims (claim_kind, claim_value, user_id, player_bonus_id)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (claim_kind, claim_value) DO UPDATE SET claim_kind = EXCLUDED.claim_kind
         RETURNING user_id, player_bonus_id`,
        [kind, value.slice(0, 200), claim.userId, claim.playerBonusId],
      )) as { user_id: string; player_bonus_id: string }[];
      if (rows[0]?.player_bonus_id !== claim.playerBonusId) {
        throw new DomainError('BONUS_NOT_GRANTABLE', `A welcome bonus was already granted for this ${kind}`, {
          reason: REASONS[kind],
        });
      }
    }
  }
}
