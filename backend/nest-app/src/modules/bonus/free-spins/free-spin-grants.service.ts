import { BONUS_ACTIVATED, DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import { Clock } from '../../../common/time/clock';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import { bonusEvent } from '../player-bonuses/player-bonus-events';
import type { NewPlayerBonus, PlayerBonus } from '../player-bonuses/player-bonus.types';
import { PlayerBonusesRepository } from '../player-bonuses/player-bonuses.repository';
import type { BonusTemplate } from '../templates/bonus-template.types';
import type { StaffActor } from '../templates/bonus-templates.service';
import { FreeSpinRewardsRepository } from './free-spin-rewards.repository';
import { FreeSpinsIssuers } from './free-spins-issuers';

const DAY_MS = 86_400_000;

/**
 * A free-spins grant (docs/bonuses.md "Free spins"): the bonus (active at once, no money yet) and its reward are
 * stored in one transaction with the audit record and `bonus.activated`; then the provider creates the reward
 * (Hub88 Freebets, through the registered issuer). A provider failure leaves the reward pending: the grant answers
 * 503 and its retry (same Idempotency-Key) asks the provider again, with the same reference.
 */
@Injectable()
export class FreeSpinGrants {
  private readonly logger = new Logger(FreeSpinGrants.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly bonuses: PlayerBonusesRepository,
    private readonly rewards: FreeSpinRewardsRepository,
    private readonly issuers: FreeSpinsIssuers,
    private readonly outbox: OutboxWriter,
    private readonly auditLog: AuditLog,
    private readonly clock: Clock,
  ) {}

  /** The caller checked the template (retired, country, currency wallet, exclusion). */
  public async grant(
    actor: StaffActor,
    template: BonusTemplate,
    request: { userId: string; reason: string; grantKey: string },
  ): Promise<PlayerBonus> {
    const known = await this.bonuses.findByGrantKey(request.grantKey);
    if (!known) await this.store(actor, template, request);
    const bonus = known ?? (await this.bonuses.findByGrantKey(request.grantKey));
    if (!bonus) throw new Error(`free-spins grant ${request.grantKey} was not stored`);
    await this.issue(bonus);
    return bonus;
  }

  private async store(
    actor: StaffActor,
    template: BonusTemplate,
    request: { userId: string; reason: string; grantKey: string },
  ): Promise<void> {
    const now = this.clock.now();
    const bonus: NewPlayerBonus = {
      id: randomUUID(),
      userId: request.userId,
      templateId: template.id,
      grantKey: request.grantKey,
      currency: template.currency,
      amount: 0n,
      wageringRequired: 0n,
      gameWeights: template.gameWeights,
      defaultWeight: template.defaultWeight,
      maxBet: template.maxBet,
      maxConversion: template.maxConversion ?? null,
      expiresAt: new Date(now.getTime() + template.validityDays * DAY_MS),
      grantedBy: actor.user.userId,
      reason: request.reason,
      createdAt: now,
    };
    const rewardId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.bonuses.lockPlayer(manager, request.userId);
      if (await this.bonuses.activeIdOf(manager, request.userId)) {
        throw new DomainError('BONUS_ALREADY_ACTIVE', 'The player already has an active bonus', {
          userId: request.userId,
        });
      }
      const inserted = await this.rewards.insert(manager, bonus, {
        id: rewardId,
        playerBonusId: bonus.id,
        userId: request.userId,
        providerCode: template.providerCode ?? '',
        gameCode: template.gameCode ?? '',
        currency: template.currency,
        spinCount: template.spinCount ?? 0,
        spinValue: template.spinValue ?? 0n,
        wageringMultiplier: template.wageringMultiplier,
        startsAt: now,
        endsAt: bonus.expiresAt,
      });
      if (!inserted) return;
      await this.bonuses.transition(manager, {
        id: bonus.id,
        from: 'offered',
        to: 'active',
        cause: 'staff_grant',
        actorId: actor.user.userId,
        details: { freeSpins: template.spinCount, rewardId },
      });
      const view: PlayerBonus = {
        ...bonus,
        templateName: template.name,
        status: 'active',
        wageringDone: 0n,
        grantTransactionId: null,
        endTransactionId: null,
        updatedAt: now,
      };
      await this.outbox.append(manager, 'bonus', [bonusEvent(BONUS_ACTIVATED, view, 'active', now)]);
      await this.auditLog.record(
        {
          actorId: actor.user.userId,
          actorRoles: actor.user.roles,
          action: 'bonus.grant',
          targetType: 'player_bonus',
          targetId: bonus.id,
          ip: actor.origin.ip,
          userAgent: actor.origin.userAgent,
          requestId: actor.origin.requestId,
          details: {
            userId: bonus.userId,
            templateId: template.id,
            kind: 'free_spins',
            providerCode: template.providerCode,
            gameCode: template.gameCode,
            spinCount: template.spinCount,
            spinValue: template.spinValue?.toString(),
            currency: bonus.currency,
            reason: request.reason,
            rewardId,
          },
        },
        manager,
      );
    });
  }

  /** Creates the reward at the provider unless it was (our reward id is the provider-side reference). */
  private async issue(bonus: PlayerBonus): Promise<void> {
    const reward = await this.rewards.ofBonus(bonus.id);
    if (!reward || reward.status === 'issued') return;
    const { rewardUuid } = await this.issuers.issue({
      reference: reward.id,
      providerCode: reward.providerCode,
      gameCode: reward.gameCode,
      userId: reward.userId,
      currency: reward.currency,
      spinCount: reward.spinCount,
      spinValue: reward.spinValue,
      startsAt: reward.startsAt,
      endsAt: reward.endsAt,
    });
    await this.rewards.markIssued(reward.id, rewardUuid);
    this.logger.log({ bonusId: bonus.id, rewardId: reward.id, provider: reward.providerCode }, 'free spins issued');
  }
}
