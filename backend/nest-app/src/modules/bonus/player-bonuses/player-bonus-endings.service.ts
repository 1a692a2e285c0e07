import { BONUS_CANCELED, BONUS_CONVERTED, BONUS_EXPIRED, BONUS_FORFEITED, DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import { Clock } from '../../../common/time/clock';
import type { StaffActor } from '../templates/bonus-templates.service';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import { WalletService, type LedgerResult } from '../../wallet';
import { bonusEvent } from './player-bonus-events';
import { assertTransition, type PlayerBonusCause, type PlayerBonusStatus } from './player-bonus.state-machine';
import type { PlayerBonus } from './player-bonus.types';
import { PlayerBonusesRepository } from './player-bonuses.repository';

/** The audit log's actor of what the platform does by itself (the sweep). */
const SYSTEM_ACTOR = 'system';

/**
 * How a bonus ends: the player forfeits it (CMA: at any time), it expires (the sweep), staff cancel it (each gives the
 * whole bonus balance back to the bonus cost account), or its completed wagering converts it (min(bonus balance, max
 * conversion) to cash, the rest back). The money moves in the same database transaction as the status, its log row,
 * its event (and the audit record of an expiry or a cancel); each ending has its own ledger key, so it happens once
 * however often it is asked.
 */
@Injectable()
export class PlayerBonusEndings {
  private readonly logger = new Logger(PlayerBonusEndings.name);

  public constructor(
    private readonly bonuses: PlayerBonusesRepository,
    private readonly wallets: WalletService,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly auditLog: AuditLog,
  ) {}

  public async forfeit(userId: string, bonus: PlayerBonus): Promise<void> {
    assertTransition(bonus.status, 'forfeited', 'player_forfeit');
    await this.wallets.removeBonus(
      'bonus_forfeit',
      { ...this.walletOf(bonus), idempotency: { scope: 'bonus', key: `forfeit:${bonus.id}` } },
      (manager, result, removed) =>
        this.endIn(manager, bonus.id, 'forfeited', 'player_forfeit', result, userId, (locked, at) =>
          bonusEvent(BONUS_FORFEITED, locked, 'forfeited', at, {
            ledgerTransactionId: result.transactionId,
            removedFromBonus: removed,
          }),
        ),
    );
  }

  /**
   * Ends a bonus past its `expires_at` (the sweep): an offer lapses without money; an active bonus gives its whole
   * bonus balance back (`bonus_expire`, keyed `expire:<id>`). Audited as a system action. A bonus another step ended
   * first (forfeit, conversion, a concurrent sweep) is refused with BONUS_TRANSITION_NOT_ALLOWED and moves nothing.
   */
  public async expire(bonus: PlayerBonus): Promise<boolean> {
    assertTransition(bonus.status, 'expired', 'validity_elapsed');
    const audit = (manager: EntityManager, removed: bigint, transactionId: string | null): Promise<void> =>
      this.auditLog.record(
        {
          actorId: null,
          actorRoles: [SYSTEM_ACTOR],
          action: 'bonus.expire',
          targetType: 'player_bonus',
          targetId: bonus.id,
          details: { ...this.auditDetails(bonus), removedFromBonus: removed.toString(), transactionId },
        },
        manager,
      );
    if (bonus.status === 'offered') {
      await this.dataSource.transaction(async (manager) => {
        const locked = await this.moveIn(manager, bonus.id, 'expired', 'validity_elapsed', null, null, {});
        await this.outbox.append(manager, 'bonus', [bonusEvent(BONUS_EXPIRED, locked, 'expired', this.clock.now())]);
        await audit(manager, 0n, null);
      });
      return true;
    }
    let ended = false;
    await this.wallets.removeBonus(
      'bonus_expire',
      { ...this.walletOf(bonus), idempotency: { scope: 'bonus', key: `expire:${bonus.id}` } },
      async (manager, result, removed) => {
        await this.endIn(manager, bonus.id, 'expired', 'validity_elapsed', result, null, (locked, at) =>
          bonusEvent(BONUS_EXPIRED, locked, 'expired', at, {
            ledgerTransactionId: result.transactionId,
            removedFromBonus: removed,
          }),
        );
        await audit(manager, removed, result.transactionId);
        ended = true;
      },
    );
    return ended;
  }

  /**
   * Staff cancel an offered or active bonus (with a reason): an active one gives its whole bonus balance back
   * (`bonus_forfeit`, keyed `cancel:<id>`), cash stays. Audited `bonus.cancel` with the reason, in the same
   * transaction. The request's Idempotency-Key is kept on the log row so that a retry answers the same.
   */
  public async cancel(actor: StaffActor, bonus: PlayerBonus, reason: string, idempotencyKey: string): Promise<void> {
    assertTransition(bonus.status, 'canceled', 'staff_cancel');
    const details = { reason, idempotencyKey };
    const audit = (manager: EntityManager, removed: bigint, transactionId: string | null): Promise<void> =>
      this.auditLog.record(
        {
          actorId: actor.user.userId,
          actorRoles: actor.user.roles,
          action: 'bonus.cancel',
          targetType: 'player_bonus',
          targetId: bonus.id,
          ip: actor.origin.ip,
          userAgent: actor.origin.userAgent,
          requestId: actor.origin.requestId,
          details: { ...this.auditDetails(bonus), reason, removedFromBonus: removed.toString(), transactionId },
        },
        manager,
      );
    if (bonus.status === 'offered') {
      await this.dataSource.transaction(async (manager) => {
        const locked = await this.moveIn(
          manager,
          bonus.id,
          'canceled',
          'staff_cancel',
          null,
          actor.user.userId,
          details,
        );
        await this.outbox.append(manager, 'bonus', [bonusEvent(BONUS_CANCELED, locked, 'canceled', this.clock.now())]);
        await audit(manager, 0n, null);
      });
      return;
    }
    await this.wallets.removeBonus(
      'bonus_forfeit',
      { ...this.walletOf(bonus), idempotency: { scope: 'bonus', key: `cancel:${bonus.id}` } },
      async (manager, result, removed) => {
        await this.endIn(
          manager,
          bonus.id,
          'canceled',
          'staff_cancel',
          result,
          actor.user.userId,
          (locked, at) =>
            bonusEvent(BONUS_CANCELED, locked, 'canceled', at, {
              ledgerTransactionId: result.transactionId,
              removedFromBonus: removed,
            }),
          details,
        );
        await audit(manager, removed, result.transactionId);
      },
    );
  }

  /**
   * Converts the bonus if its wagering is complete (after a bet that may have completed it); does nothing
   * otherwise. A failure is logged, not thrown: the bet's answer stands and the bonus stays wagering_complete
   * (converted by the sweep, or when its player next lists their bonuses). True when this call converted it.
   */
  public async convertIfComplete(bonusId: string): Promise<boolean> {
    let converted = false;
    try {
      const bonus = await this.bonuses.findById(bonusId);
      if (bonus?.status !== 'wagering_complete') return false;
      await this.wallets.convertBonus(
        {
          ...this.walletOf(bonus),
          ...(bonus.maxConversion !== null ? { maxConversion: bonus.maxConversion } : {}),
          idempotency: { scope: 'bonus', key: `convert:${bonus.id}` },
        },
        async (manager, result, toCash) => {
          await this.endIn(manager, bonus.id, 'converted', 'conversion', result, null, (locked, at) =>
            bonusEvent(BONUS_CONVERTED, locked, 'converted', at, {
              ledgerTransactionId: result.transactionId,
              convertedToCash: toCash,
            }),
          );
          converted = true;
        },
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === 'BONUS_TRANSITION_NOT_ALLOWED') return false;
      this.logger.warn({ err: error, bonusId }, 'bonus conversion failed; the sweep retries it');
    }
    return converted;
  }

  private walletOf(bonus: PlayerBonus): {
    wallet: { userId: string };
    currency: string;
    metadata: Record<string, string>;
  } {
    return { wallet: { userId: bonus.userId }, currency: bonus.currency, metadata: { playerBonusId: bonus.id } };
  }

  private auditDetails(bonus: PlayerBonus): Record<string, string> {
    return { userId: bonus.userId, templateId: bonus.templateId, currency: bonus.currency, from: bonus.status };
  }

  /** In the money's transaction: the row locked and checked again (a concurrent ending refuses this one). */
  private async endIn(
    manager: EntityManager,
    bonusId: string,
    to: PlayerBonusStatus,
    cause: PlayerBonusCause,
    result: LedgerResult,
    actorId: string | null,
    event: (bonus: PlayerBonus, at: Date) => ReturnType<typeof bonusEvent>,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    const locked = await this.moveIn(manager, bonusId, to, cause, result.transactionId, actorId, details);
    await this.outbox.append(manager, 'bonus', [event(locked, this.clock.now())]);
  }

  /** Locks the row, checks the transition against its current status and moves it (with its log row). */
  private async moveIn(
    manager: EntityManager,
    bonusId: string,
    to: PlayerBonusStatus,
    cause: PlayerBonusCause,
    transactionId: string | null,
    actorId: string | null,
    details: Record<string, unknown>,
  ): Promise<PlayerBonus> {
    const locked = await this.bonuses.lockById(manager, bonusId);
    if (!locked) throw new DomainError('BONUS_NOT_FOUND', 'No such bonus', { id: bonusId });
    assertTransition(locked.status, to, cause);
    await this.bonuses.transition(manager, {
      id: bonusId,
      from: locked.status,
      to,
      cause,
      actorId,
      ledgerTransactionId: transactionId,
      details,
      ...(transactionId ? { endTransactionId: transactionId } : {}),
    });
    return locked;
  }
}
