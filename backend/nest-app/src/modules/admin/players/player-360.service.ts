import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { SecurityEventRepository, SessionService } from '../../auth';
import { KycService, RgSettingsService, UsersService } from '../../user';
import { WalletService } from '../../wallet';
import { decodeCursor, pageOf } from '../shared/keyset-cursor';
import type { StaffActor } from '../shared/staff-actor';
import { StaffAudit } from '../shared/staff-audit';
import type { Role } from '../../../common/auth/roles';
import { seesPlayerPii, serializePlayerPii } from './player-pii.serializer';
import { isExactPlayerQuery, PlayersRepository, type PlayerSearch, type PlayerSummaryRow } from './players.repository';

const LAST_TRANSACTIONS = 10;

/** Finding players and the one page that shows everything about one (player 360). */
@Injectable()
export class Player360Service {
  public constructor(
    private readonly players: PlayersRepository,
    private readonly users: UsersService,
    private readonly kyc: KycService,
    private readonly rg: RgSettingsService,
    private readonly wallets: WalletService,
    private readonly sessions: SessionService,
    private readonly securityEvents: SecurityEventRepository,
    private readonly audit: StaffAudit,
  ) {}

  /**
   * The search as `roles` may see it: masked rows, and only whole-value searches (PLAYER_SEARCH_EXACT_ONLY),
   * for a role without `players.pii`.
   */
  public async search(
    roles: readonly Role[],
    query: Omit<PlayerSearch, 'after' | 'limit' | 'exactOnly'> & { cursor?: string; limit?: number },
  ): Promise<{ rows: PlayerSummaryRow[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const exactOnly = !seesPlayerPii(roles);
    if (exactOnly && query.q !== undefined && !isExactPlayerQuery(query.q)) {
      throw new DomainError(
        'PLAYER_SEARCH_EXACT_ONLY',
        'Search by id, whole email, whole phone number or Telegram id: your role sees personal data masked',
      );
    }
    const rows = await this.players.search({ ...query, exactOnly, after: decodeCursor(query.cursor), limit });
    const page = pageOf(rows, limit, (row) => row.id);
    return { rows: page.rows.map((row) => serializePlayerPii(row, roles)), nextCursor: page.nextCursor };
  }

  /** The player 360, masked as the actor may see it; the read is itself audited (`player.view`, with `masked`). */
  public async view(actor: StaffActor, userId: string): Promise<Record<string, unknown>> {
    const summary = await this.players.summary(userId);
    if (!summary) throw new DomainError('USER_NOT_FOUND', 'No such user', { userId });
    await this.audit.record(actor, {
      action: 'player.view',
      targetType: 'user',
      targetId: userId,
      reason: null,
      before: null,
      after: null,
      details: { masked: !seesPlayerPii(actor.user.roles) },
    });
    const record = await this.users.getRecord(userId);
    const wallets = await this.wallets.walletsOfUser(userId);
    const walletIds = wallets.map((wallet) => wallet.walletId);
    const [kyc, rg, transactions, payments, gameSessions, signInSessions, events, audit, notes] = await Promise.all([
      this.kyc.review(userId),
      this.rg.view(userId),
      walletIds.length > 0
        ? this.wallets.listTransactions({ walletIds, limit: LAST_TRANSACTIONS * walletIds.length })
        : Promise.resolve([]),
      this.players.payments(userId),
      this.players.gameSessions(userId),
      this.sessions.list(userId),
      this.securityEvents.listForUser(userId, 50),
      this.players.auditTrail(userId, walletIds),
      this.players.notes(userId),
    ]);
    const { cursorAt: _cursor, ...profile } = summary;
    return {
      profile: serializePlayerPii(
        {
          ...profile,
          birthDate: record.birthDate,
          language: record.language,
          emailVerifiedAt: record.emailVerifiedAt,
          phoneVerifiedAt: record.phoneVerifiedAt,
          roles: record.roles,
        },
        actor.user.roles,
      ),
      kyc,
      responsibleGaming: rg,
      wallets: wallets.map((wallet) => ({
        walletId: wallet.walletId,
        currency: wallet.balances.currency,
        balances: {
          cash: wallet.balances.cash.toString(),
          bonus: wallet.balances.bonus.toString(),
          held: wallet.balances.held.toString(),
          available: wallet.balances.available.toString(),
        },
        lastTransactions: transactions
          .filter((transaction) => transaction.walletId === wallet.walletId)
          .slice(0, LAST_TRANSACTIONS)
          .map((transaction) => ({ ...transaction, amount: transaction.amount.toString() })),
      })),
      payments,
      gameSessions,
      signInSessions: signInSessions.map((session) => ({
        id: session.id,
        method: session.method,
        ip: session.ip,
        userAgent: session.userAgent,
        createdAt: new Date(session.createdAt).toISOString(),
        lastSeenAt: new Date(session.lastSeenAt).toISOString(),
        secondFactor: session.mfaAt !== null,
      })),
      securityEvents: events.map((event) => ({
        ...event,
        id: `auth:${event.id}`,
        source: 'auth',
        details: serializePlayerPii(event.details, actor.user.roles),
      })),
      auditTrail: audit.map((row) => ({
        ...row,
        details: serializePlayerPii((row['details'] ?? {}) as Record<string, unknown>, actor.user.roles),
      })),
      notes,
      tags: summary.tags,
    };
  }
}
