import { Module } from '@nestjs/common';
import { GameModule } from '../game';
import { PaymentModule } from '../payment';
import { UserModule } from '../user';
import { WalletModule } from '../wallet';
import { AdminReadsController } from './admin-reads.controller';
import { AdjustmentRequestsRepository } from './adjustments/adjustment-requests.repository';
import { AdjustmentsController } from './adjustments/adjustments.controller';
import { AdjustmentsService } from './adjustments/adjustments.service';
import { AuditLogReaderRepository } from './audit/audit-log-reader.repository';
import { DashboardService } from './dashboard/dashboard.service';
import { StaffGamesController } from './games/staff-games.controller';
import { StaffPaymentsController } from './payments/staff-payments.controller';
import { StaffPaymentsRepository } from './payments/staff-payments.repository';
import { Player360Service } from './players/player-360.service';
import { PlayerActionsController } from './players/player-actions.controller';
import { PlayerActionsService } from './players/player-actions.service';
import { PlayersRepository } from './players/players.repository';
import { SecurityFeedRepository } from './security/security-feed.repository';
import { QueueBoardTicketService } from './queues/queue-board-ticket.service';
import { QueueBoardController } from './queues/queue-board.controller';
import { StaffAudit } from './shared/staff-audit';

/**
 * The back office's API (ADR 0018, docs/roles.md): players and their 360 view, block and notes, maker-checker
 * adjustments, the audit log and one security feed, and the dashboard. Money moves only through the wallet module;
 * account status only through the user module; sessions only through the auth module.
 */
@Module({
  imports: [UserModule, WalletModule, GameModule, PaymentModule],
  controllers: [
    AdminReadsController,
    PlayerActionsController,
    AdjustmentsController,
    StaffGamesController,
    StaffPaymentsController,
    QueueBoardController,
  ],
  providers: [
    StaffAudit,
    QueueBoardTicketService,
    AdjustmentRequestsRepository,
    AdjustmentsService,
    PlayersRepository,
    PlayerActionsService,
    Player360Service,
    AuditLogReaderRepository,
    SecurityFeedRepository,
    DashboardService,
    StaffPaymentsRepository,
  ],
  exports: [AdjustmentsService],
})
export class AdminModule {}
