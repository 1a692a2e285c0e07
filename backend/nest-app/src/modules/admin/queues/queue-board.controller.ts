import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { StaffAudit } from '../shared/staff-audit';
import { QueueBoardTicketDto } from './queue-board-ticket.dto';
import { QUEUE_BOARD_PATH, QUEUE_BOARD_TICKET_SECONDS, QueueBoardTicketService } from './queue-board-ticket.service';

/** Opens the read-only queue board (ADR 0027): the back office calls this with its bearer token, then navigates. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/queues')
export class QueueBoardController {
  public constructor(
    private readonly tickets: QueueBoardTicketService,
    private readonly audit: StaffAudit,
  ) {}

  @Post('board-session')
  @HttpCode(200)
  @RequirePermission('queues.view')
  @ApiOkResponse({ type: QueueBoardTicketDto })
  public async open(
    @CurrentUser() user: AuthenticatedUser,
    @Origin() origin: RequestOrigin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<QueueBoardTicketDto> {
    const ticket = await this.tickets.issue(user);
    await this.audit.record(
      { user, origin },
      {
        action: 'queue.board.open',
        targetType: 'queue_board',
        targetId: 'bullmq',
        reason: null,
        before: null,
        after: null,
      },
    );
    void reply.header('set-cookie', this.tickets.cookieFor(ticket));
    return { url: `${QUEUE_BOARD_PATH}/`, expiresInSeconds: QUEUE_BOARD_TICKET_SECONDS };
  }
}
