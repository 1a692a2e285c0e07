import { BONUS_ACTIVATED, BONUS_OFFERED, DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import { Clock } from '../../../common/time/clock';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import { ResponsibleGamingService, UsersService } from '../../user';
import { WalletService, type LedgerResult } from '../../wallet';
import type { BonusTemplate } from '../templates/bonus-template.types';
import { BonusTemplatesService, type StaffActor } from '../templates/bonus-templates.service';
import { WelcomeClaims, type WelcomeKeys } from '../abuse/welcome-claims';
import { FreeSpinGrants } from '../free-spins/free-spin-grants.service';
import { bonusEvent } from './player-bonus-events';
import { assertTransition, type PlayerBonusCause } from './player-bonus.state-machine';
import type { NewPlayerBonus, PlayerBonus } from './player-bonus.types';
import { PlayerBonusesRepository } from './player-bonuses.repository';

const DAY_MS = 86_400_000;

export interface CapturedDeposit extends WelcomeKeys {
  intentId: string;
  userId: string;
  amount: bigint;
  currency: string;
}

export interface StaffGrantRequest {
  templateId: string;
  userId: string;
  reason: string;
  /** The request's Idempotency-Key: a retry answers the bonus the first one granted. */
  idempotencyKey: string;
}

/**
 * How a bonus starts: staff grant a no-deposit bonus (offered when its template wants the player's opt-in, else
 * active at once), the player opts in. Activation credits the bonus money (`bonus_grant`) in the same database
 * transaction as the status change, its log row and its event; none for self-excluded or timed-out players.
 */
@Injectable()
export class PlayerBonusGrants {
  private readonly logger = new Logger(PlayerBonusGrants.name);

  public constructor(
    private readonly dataSource: DataSource,
    private readonly bonuses: PlayerBonusesRepository,
    private readonly templates: BonusTemplatesService,
    private readonly wallets: WalletService,
    private readonly users: UsersService,
    private readonly responsibleGaming: ResponsibleGamingService,
    private readonly outbox: OutboxWriter,
    private readonly auditLog: AuditLog,
    private readonly clock: Clock,
    private readonly freeSpins: FreeSpinGrants,
    private readonly welcomeClaims: WelcomeClaims,
  ) {}

  public async grantByStaff(actor: StaffActor, request: StaffGrantRequest): Promise<PlayerBonus> {
    const grantKey = `staff:${actor.user.userId}:${request.idempotencyKey}`;
    const known = await this.bonuses.findByGrantKey(grantKey);
    if (known) sameRequest(known, request);
    const template = await this.templates.get(request.templateId);
    if (template.kind === 'free_spins') {
      // A retry finishes what the first left (the provider's reward); the template was checked when first granted.
      if (!known) await this.assertGrantable(template, request.userId);
      return this.freeSpins.grant(actor, template, { userId: request.userId, reason: request.reason, grantKey });
    }
    if (known) return known;
    await this.assertGrantable(template, request.userId);
    const amount = template.amount ?? 0n;
    const bonus = this.newBonus(template, request.userId, amount, grantKey, actor.user.userId, request.reason);
    const audit = (manager: EntityManager, transactionId: string | null): Promise<void> =>
      this.audit(manager, actor, bonus, request.reason, transactionId);
    if (template.optIn) {
      await this.dataSource.transaction(async (manager) => {
        if (!(await this.bonuses.insertOffered(manager, bonus, 'staff_grant'))) return;
        await audit(manager, null);
        await this.outbox.append(manager, 'bonus', [
          bonusEvent(BONUS_OFFERED, asBonus(bonus), 'offered', bonus.createdAt),
        ]);
      });
    } else {
      await this.credit(bonus, async (manager, result) => {
        if (!(await this.bonuses.insertOffered(manager, bonus, 'staff_grant'))) {
          throw new Error(`bonus grant ${grantKey} was inserted by another request`);
        }
        await this.activateIn(manager, asBonus(bonus), result, 'staff_grant', actor.user.userId);
        await audit(manager, result.transactionId);
      });
    }
    const stored = await this.bonuses.findByGrantKey(grantKey);
    if (!stored) throw new Error(`bonus grant ${grantKey} was not stored`);
    return sameRequest(stored, request);
  }

  /** The player accepts an offered bonus: its money is credited and it becomes active. */
  public async optIn(userId: string, bonus: PlayerBonus): Promise<void> {
    // A repeated opt-in (a double click) answers the bonus as the first made it.
    if (bonus.status === 'active' && bonus.grantTransactionId !== null) return;
    assertTransition(bonus.status, 'active', 'player_opt_in');
    if (bonus.expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new DomainError('BONUS_TRANSITION_NOT_ALLOWED', 'The offer has lapsed', { expiresAt: bonus.expiresAt });
    }
    await this.assertNotExcluded(userId);
    await this.credit(bonus, (manager, result) => this.activateIn(manager, bonus, result, 'player_opt_in', userId));
  }

  /** The bonus money; the key is the bonus's grant key, so however often activation is asked, it is credited once. */
  private async credit(
    bonus: Pick<PlayerBonus, 'id' | 'userId' | 'currency' | 'amount' | 'grantKey' | 'templateId'>,
    within: (manager: EntityManager, result: LedgerResult) => Promise<void>,
  ): Promise<void> {
    const active = await this.bonuses.activeIdOf(this.dataSource.manager, bonus.userId);
    if (active !== null && active !== bonus.id) throw alreadyActive(bonus.userId);
    await this.wallets.grantBonus(
      {
        wallet: { userId: bonus.userId },
        currency: bonus.currency,
        amount: bonus.amount,
        idempotency: { scope: 'bonus', key: `grant:${bonus.grantKey}` },
        metadata: { templateId: bonus.templateId },
      },
      within,
    );
  }

  private async activateIn(
    manager: EntityManager,
    bonus: PlayerBonus,
    result: LedgerResult,
    cause: PlayerBonusCause,
    actorId: string | null,
  ): Promise<void> {
    await this.bonuses.lockPlayer(manager, bonus.userId);
    if (await this.bonuses.activeIdOf(manager, bonus.userId)) throw alreadyActive(bonus.userId);
    const moved = await this.bonuses.transition(manager, {
      id: bonus.id,
      from: 'offered',
      to: 'active',
      cause,
      actorId,
      ledgerTransactionId: result.transactionId,
      grantTransactionId: result.transactionId,
    });
    if (!moved)
      assertTransition((await this.bonuses.findById(bonus.id, manager))?.status ?? 'canceled', 'active', cause);
    const at = this.clock.now();
    await this.outbox.append(manager, 'bonus', [
      bonusEvent(BONUS_ACTIVATED, bonus, 'active', at, { ledgerTransactionId: result.transactionId }),
    ]);
  }

  /**
   * The deposit-match bonus of a captured deposit (docs/bonuses.md "Deposit match"): the newest active deposit-match
   * template without opt-in for the deposit's currency, country and amount; once per payment (grant key
   * `deposit:<intent>`, unique; the ledger key derives from it) and once per player (welcome bonus). Null when none
   * applies; never throws for a refusal, so a redelivered event is acknowledged.
   */
  public async grantDepositMatch(deposit: CapturedDeposit): Promise<PlayerBonus | null> {
    const grantKey = `deposit:${deposit.intentId}`;
    const known = await this.bonuses.findByGrantKey(grantKey);
    if (known) return known;
    const user = await this.users.getRecord(deposit.userId);
    const template = (await this.templates.list()).find(
      (candidate) =>
        candidate.kind === 'deposit_match' &&
        !candidate.optIn &&
        candidate.currency === deposit.currency &&
        (candidate.minDeposit ?? 0n) <= deposit.amount &&
        (candidate.eligibleCountries.length === 0 || candidate.eligibleCountries.includes(user.country ?? '')),
    );
    if (!template) return null;
    const matched = (deposit.amount * BigInt(template.matchPercent ?? 0)) / 100n;
    const amount = template.maxBonus !== undefined && template.maxBonus < matched ? template.maxBonus : matched;
    if (amount <= 0n) return null;
    const bonus = this.newBonus(template, deposit.userId, amount, grantKey, null, 'deposit_match');
    try {
      await this.assertNotExcluded(deposit.userId);
      if (await this.bonuses.hasDepositMatch(this.dataSource.manager, deposit.userId)) return null;
      await this.credit(bonus, async (manager, result) => {
        await this.bonuses.lockPlayer(manager, deposit.userId);
        if (await this.bonuses.hasDepositMatch(manager, deposit.userId)) {
          throw new DomainError('BONUS_NOT_GRANTABLE', 'The player had a welcome bonus', {
            reason: 'welcome_bonus_taken',
          });
        }
        if (!(await this.bonuses.insertOffered(manager, bonus, 'deposit_match'))) {
          throw new Error(`bonus grant ${grantKey} was inserted by another request`);
        }
        await this.welcomeClaims.claimIn(manager, { userId: deposit.userId, playerBonusId: bonus.id, keys: deposit });
        await this.activateIn(manager, asBonus(bonus), result, 'deposit_match', null);
      });
    } catch (error) {
      const refused = ['BONUS_ALREADY_ACTIVE', 'BONUS_NOT_GRANTABLE', 'BONUS_PLAYER_EXCLUDED'];
      if (!(error instanceof DomainError) || !refused.includes(error.code)) throw error;
      const reason = error.details?.['reason'];
      this.logger.log({ intentId: deposit.intentId, code: error.code, reason }, 'no deposit match');
      return null;
    }
    return this.bonuses.findByGrantKey(grantKey);
  }

  /**
   * A bonus a job computed (cashback): active at once, granted once per grant key (the ledger key derives from it).
   * Null when the player cannot receive it now (excluded, country, another active bonus); never throws for those.
   */
  public async grantComputed(
    template: BonusTemplate,
    userId: string,
    amount: bigint,
    grantKey: string,
    cause: 'cashback',
  ): Promise<{ bonus: PlayerBonus; granted: boolean } | null> {
    const known = await this.bonuses.findByGrantKey(grantKey);
    if (known) return { bonus: known, granted: false };
    const user = await this.users.getRecord(userId);
    const countries = template.eligibleCountries;
    if (amount <= 0n || (countries.length > 0 && !countries.includes(user.country ?? ''))) return null;
    const bonus = this.newBonus(template, userId, amount, grantKey, null, cause);
    try {
      await this.assertNotExcluded(userId);
      await this.credit(bonus, async (manager, result) => {
        if (!(await this.bonuses.insertOffered(manager, bonus, cause))) {
          throw new Error(`bonus grant ${grantKey} was inserted by another request`);
        }
        await this.activateIn(manager, asBonus(bonus), result, cause, null);
      });
    } catch (error) {
      const refused = ['BONUS_ALREADY_ACTIVE', 'BONUS_PLAYER_EXCLUDED'];
      if (error instanceof DomainError && refused.includes(error.code)) return null;
      throw error;
    }
    const stored = await this.bonuses.findByGrantKey(grantKey);
    return stored ? { bonus: stored, granted: stored.id === bonus.id } : null;
  }

  private async assertGrantable(template: BonusTemplate, userId: string): Promise<void> {
    const refuse = (reason: string): never => {
      throw new DomainError('BONUS_NOT_GRANTABLE', `The template cannot be granted to this player: ${reason}`, {
        reason,
        templateId: template.id,
      });
    };
    if (template.retiredAt) refuse('template_retired');
    const freeSpins = template.kind === 'free_spins';
    if (!freeSpins && (template.kind !== 'no_deposit' || template.amount === undefined)) {
      refuse('not_a_no_deposit_bonus');
    }
    const user = await this.users.getRecord(userId);
    const countries = template.eligibleCountries;
    if (countries.length > 0 && !countries.includes(user.country ?? '')) refuse('country_not_eligible');
    const wallets = await this.wallets.walletsOfUser(userId);
    if (!wallets.some((wallet) => wallet.balances.currency === template.currency)) refuse('no_wallet_in_currency');
    await this.assertNotExcluded(userId);
  }

  /** shared/reference/bonuses.md "Eligibility": no offers to self-excluded or timed-out players. */
  private async assertNotExcluded(userId: string): Promise<void> {
    try {
      await this.responsibleGaming.assertNotExcludedNow(userId);
    } catch (error) {
      if (error instanceof DomainError && (error.code === 'RG_SELF_EXCLUDED' || error.code === 'RG_TIMED_OUT')) {
        throw new DomainError('BONUS_PLAYER_EXCLUDED', 'No bonus for a self-excluded or timed-out player', {
          exclusion: error.code === 'RG_SELF_EXCLUDED' ? 'self_exclusion' : 'time_out',
        });
      }
      throw error;
    }
  }

  private newBonus(
    template: BonusTemplate,
    userId: string,
    amount: bigint,
    grantKey: string,
    grantedBy: string | null,
    reason: string,
  ): NewPlayerBonus {
    const now = this.clock.now();
    return {
      id: randomUUID(),
      userId,
      templateId: template.id,
      grantKey,
      currency: template.currency,
      amount,
      wageringRequired: amount * BigInt(template.wageringMultiplier),
      gameWeights: template.gameWeights,
      defaultWeight: template.defaultWeight,
      maxBet: template.maxBet,
      maxConversion: template.maxConversion ?? null,
      expiresAt: new Date(now.getTime() + template.validityDays * DAY_MS),
      grantedBy,
      reason,
      createdAt: now,
    };
  }

  private audit(
    manager: EntityManager,
    actor: StaffActor,
    bonus: NewPlayerBonus,
    reason: string,
    transactionId: string | null,
  ): Promise<void> {
    return this.auditLog.record(
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
          templateId: bonus.templateId,
          amount: bonus.amount.toString(),
          currency: bonus.currency,
          reason,
          transactionId,
        },
      },
      manager,
    );
  }
}

function asBonus(bonus: NewPlayerBonus): PlayerBonus {
  return {
    ...bonus,
    templateName: '',
    status: 'offered',
    wageringDone: 0n,
    grantTransactionId: null,
    endTransactionId: null,
    updatedAt: bonus.createdAt,
  };
}

function alreadyActive(userId: string): DomainError {
  return new DomainError('BONUS_ALREADY_ACTIVE', 'The player already has an active bonus', { userId });
}

/** A retry with the same Idempotency-Key must ask the same thing. */
function sameRequest(bonus: PlayerBonus, request: StaffGrantRequest): PlayerBonus {
  if (bonus.userId !== request.userId || bonus.templateId !== request.templateId) {
    throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another grant');
  }
  return bonus;
}
