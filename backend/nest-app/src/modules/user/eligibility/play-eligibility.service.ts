import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { REQUIRED_CONSENTS } from '../consents/consent-types';
import { ConsentsService } from '../consents/consents.service';
import { userNotFound } from '../users.service';
import type { PlayEligibilityDto } from './dto/play-eligibility.dto';
import { PlayEligibilityRepository } from './play-eligibility.repository';
import {
  assertEligible,
  eligibilityGaps,
  type EligibilityFacts,
  type EligibilityPolicy,
} from './play-eligibility-rules';

/**
 * Real-money eligibility (docs/operations.md, "Real-money eligibility"): the current terms and privacy versions
 * accepted and the age verified. Asked by deposits, real-money launches and, inside the bet gate's one read, bets.
 */
@Injectable()
export class PlayEligibilityService {
  public readonly policy: EligibilityPolicy;

  public constructor(
    private readonly repository: PlayEligibilityRepository,
    consents: ConsentsService,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.policy = { currentVersion: (kind) => consents.currentVersion(kind), minimumAge: config.MIN_PLAYER_AGE };
  }

  /** TERMS_NOT_ACCEPTED or AGE_NOT_VERIFIED unless eligible; `manager`: read inside the caller's transaction. */
  public async assertEligible(userId: string, manager?: EntityManager): Promise<void> {
    this.assertFacts(await this.facts(userId, manager));
  }

  /** The same decision on facts the caller read itself (the bet gate). */
  public assertFacts(facts: EligibilityFacts): void {
    assertEligible(facts, this.policy, this.clock.now());
  }

  public async describe(userId: string): Promise<PlayEligibilityDto> {
    const facts = await this.facts(userId);
    const missing = eligibilityGaps(facts, this.policy, this.clock.now());
    return {
      eligible: missing.length === 0,
      missing,
      currentVersions: Object.fromEntries(REQUIRED_CONSENTS.map((kind) => [kind, this.policy.currentVersion(kind)])),
      minimumAge: this.policy.minimumAge,
      ageVerifiedAt: facts.ageVerifiedAt?.toISOString() ?? null,
    };
  }

  /** Records that the player's date of birth was verified, by whom (`kyc:…`, `seed:…`); the first one stands. */
  public async recordAgeVerified(manager: EntityManager, userId: string, by: string): Promise<void> {
    await this.repository.markAgeVerified(manager, userId, this.clock.now(), by);
  }

  private async facts(userId: string, manager?: EntityManager): Promise<EligibilityFacts> {
    const facts = await this.repository.findFacts(userId, manager);
    if (!facts) throw userNotFound(userId);
    return facts;
  }
}
