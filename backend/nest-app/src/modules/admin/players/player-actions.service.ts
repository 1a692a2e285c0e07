import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { STAFF_ROLES } from '../../../common/auth/roles';
import { SessionService } from '../../auth';
import { UsersService } from '../../user';
import type { StaffActor } from '../shared/staff-actor';
import { StaffAudit } from '../shared/staff-audit';
import { serializePlayerPii } from './player-pii.serializer';
import { PlayersRepository, type PlayerSummaryRow, type StaffNoteRow } from './players.repository';

/**
 * Staff actions on a player, each audited with actor, reason and before/after. A block ends every session of the
 * player at once (audited by the auth module); sign-in, deposits and withdrawals refuse a blocked account, and game
 * providers get "user disabled" on bets (Hub88 `RS_ERROR_USER_DISABLED`) from the bet gate's status check.
 */
@Injectable()
export class PlayerActionsService {
  public constructor(
    private readonly players: PlayersRepository,
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly audit: StaffAudit,
    private readonly dataSource: DataSource,
  ) {}

  public async block(actor: StaffActor, userId: string, reason: string): Promise<PlayerSummaryRow> {
    if (userId === actor.user.userId) {
      throw new DomainError('BUSINESS_RULE_VIOLATED', 'Staff cannot block their own account');
    }
    await this.assertMayChange(actor, userId);
    await this.changeStatus(actor, userId, 'blocked', reason);
    // After the commit, so that a session started meanwhile finds the account blocked (sign-in checks the status).
    await this.sessions.endAllByStaff(actor.user, userId, `blocked: ${reason}`, actor.origin);
    return serializePlayerPii(await this.summary(userId), actor.user.roles);
  }

  public async unblock(actor: StaffActor, userId: string, reason: string): Promise<PlayerSummaryRow> {
    await this.assertMayChange(actor, userId);
    await this.changeStatus(actor, userId, 'active', reason);
    return serializePlayerPii(await this.summary(userId), actor.user.roles);
  }

  public async addNote(actor: StaffActor, userId: string, text: string): Promise<StaffNoteRow> {
    await this.summary(userId);
    return this.dataSource.transaction(async (manager) => {
      const note = await this.players.addNote(manager, userId, actor.user.userId, text);
      await this.audit.record(
        actor,
        {
          action: 'player.note.add',
          targetType: 'user',
          targetId: userId,
          reason: null,
          before: null,
          after: { noteId: note.id, text },
        },
        manager,
      );
      return note;
    });
  }

  public async replaceTags(actor: StaffActor, userId: string, tags: string[], reason: string): Promise<string[]> {
    await this.summary(userId);
    const after = [...new Set(tags)].sort();
    await this.dataSource.transaction(async (manager) => {
      const before = await this.players.replaceTags(manager, userId, after);
      await this.audit.record(
        actor,
        {
          action: 'player.tags.replace',
          targetType: 'user',
          targetId: userId,
          reason,
          before: { tags: before },
          after: { tags: after },
        },
        manager,
      );
    });
    return after;
  }

  private async changeStatus(
    actor: StaffActor,
    userId: string,
    status: 'active' | 'blocked',
    reason: string,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const change = await this.users.setStatus(manager, userId, status);
      if (change.before === status) {
        // A retried block still ends the sessions (the caller does); nothing changed, so nothing is recorded.
        if (status === 'blocked') return;
        throw new DomainError('PLAYER_STATUS_UNCHANGED', `The account is already ${status}`, { status });
      }
      if (change.before === 'closed') throw new DomainError('PLAYER_STATUS_UNCHANGED', 'A closed account stays closed');
      await this.audit.record(
        actor,
        {
          action: status === 'blocked' ? 'player.block' : 'player.unblock',
          targetType: 'user',
          targetId: userId,
          reason,
          before: { status: change.before },
          after: { status: change.after },
        },
        manager,
      );
    });
  }

  /** A staff account is blocked or unblocked by an admin only (risk and compliance act on players). */
  private async assertMayChange(actor: StaffActor, userId: string): Promise<void> {
    const target = await this.users.getRecord(userId);
    if (target.roles.some((role) => STAFF_ROLES.includes(role)) && !actor.user.roles.includes('admin')) {
      throw new DomainError('FORBIDDEN', 'Only an admin may block or unblock a staff account');
    }
  }

  private async summary(userId: string): Promise<PlayerSummaryRow> {
    const row = await this.players.summary(userId);
    if (!row) throw new DomainError('USER_NOT_FOUND', 'No such user', { userId });
    return row;
  }
}
