import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import type { RequestOrigin } from '../user-directory';
import {
  CHANNELS,
  CONSENT_KINDS,
  defaultPreference,
  MARKETING_TOPICS,
  REQUIRED_CONSENTS,
  TOPICS,
  type ConsentKind,
} from './consent-types';
import { ConsentsRepository } from './consents.repository';
import type { ConsentDecisionDto, ConsentsDto } from './dto/consents.dto';
import type { NotificationPreferencesDto, PreferenceDto } from './dto/notification-preferences.dto';

/** Versioned consents (re-asked when a version changes) and notification preferences per channel and topic. */
@Injectable()
export class ConsentsService {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly consents: ConsentsRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  public currentVersion(kind: ConsentKind): string {
    return {
      terms: this.config.CONSENT_TERMS_VERSION,
      privacy: this.config.CONSENT_PRIVACY_VERSION,
      marketing: this.config.CONSENT_MARKETING_VERSION,
    }[kind];
  }

  public async list(userId: string): Promise<ConsentsDto> {
    const latest = new Map((await this.consents.latest(userId)).map((consent) => [consent.kind, consent]));
    return {
      consents: CONSENT_KINDS.map((kind) => {
        const record = latest.get(kind);
        const currentVersion = this.currentVersion(kind);
        const required = REQUIRED_CONSENTS.includes(kind);
        const current = record !== undefined && record.granted && record.version === currentVersion;
        return {
          kind,
          currentVersion,
          acceptedVersion: record?.granted ? record.version : null,
          granted: current,
          required,
          actionNeeded: required ? !current : record === undefined || record.version !== currentVersion,
          recordedAt: record?.recordedAt.toISOString() ?? null,
        };
      }),
    };
  }

  /** Records decisions on the current versions; terms and privacy can only be accepted (closing the account withdraws them). */
  public async record(userId: string, decisions: ConsentDecisionDto[], origin: RequestOrigin): Promise<ConsentsDto> {
    this.assertValidDecisions(decisions);
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      for (const decision of decisions) {
        await this.consents.append(manager, userId, {
          ...decision,
          ip: origin.ip,
          userAgent: origin.userAgent,
          recordedAt: now,
        });
      }
    });
    return this.list(userId);
  }

  /** Refuses decisions on an outdated version, or refusing a required consent; nothing is recorded then. */
  public assertValidDecisions(decisions: ConsentDecisionDto[]): void {
    for (const decision of decisions) {
      const currentVersion = this.currentVersion(decision.kind);
      if (decision.version !== currentVersion) {
        throw new DomainError('CONSENT_VERSION_OUTDATED', 'This is not the current version', {
          kind: decision.kind,
          currentVersion,
        });
      }
      if (!decision.granted && REQUIRED_CONSENTS.includes(decision.kind)) {
        throw new DomainError('CONSENT_REQUIRED', `The ${decision.kind} consent is required to keep the account`, {
          kind: decision.kind,
        });
      }
    }
  }

  /** Withdraws marketing consent (self-exclusion takes a player out of marketing at once). */
  public async withdrawMarketing(manager: EntityManager, userId: string, reason: string): Promise<void> {
    await this.consents.append(manager, userId, {
      kind: 'marketing',
      version: this.config.CONSENT_MARKETING_VERSION,
      granted: false,
      ip: null,
      userAgent: reason,
      recordedAt: this.clock.now(),
    });
  }

  /** Every channel and topic; marketing topics show as off while marketing consent is not current. */
  public async preferences(userId: string): Promise<NotificationPreferencesDto> {
    const stored = new Map(
      (await this.consents.preferences(userId)).map((p) => [`${p.channel}:${p.topic}`, p.enabled]),
    );
    const marketing = await this.hasMarketingConsent(userId);
    const preferences: PreferenceDto[] = CHANNELS.flatMap((channel) =>
      TOPICS.map((topic) => {
        const chosen = stored.get(`${channel}:${topic}`) ?? defaultPreference(channel, topic);
        return { channel, topic, enabled: chosen && (marketing || !MARKETING_TOPICS.includes(topic)) };
      }),
    );
    return { preferences };
  }

  public async updatePreferences(userId: string, changes: PreferenceDto[]): Promise<NotificationPreferencesDto> {
    const wantsMarketing = changes.some((change) => change.enabled && MARKETING_TOPICS.includes(change.topic));
    if (wantsMarketing && !(await this.hasMarketingConsent(userId))) {
      throw new DomainError(
        'MARKETING_CONSENT_REQUIRED',
        'Marketing messages need the current marketing consent first',
      );
    }
    await this.consents.savePreferences(userId, changes, this.clock.now());
    return this.preferences(userId);
  }

  private async hasMarketingConsent(userId: string): Promise<boolean> {
    const marketing = (await this.list(userId)).consents.find((consent) => consent.kind === 'marketing');
    return marketing?.granted ?? false;
  }
}
