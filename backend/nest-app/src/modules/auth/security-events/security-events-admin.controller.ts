import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '../../../common/time/clock';
import { SecurityEventQueryDto } from '../dto/security-event-query.dto';
import { SecurityEventListDto } from '../dto/security-event.dto';
import { SECURITY_EVENT_KINDS, SecurityEventRepository, type SecurityEvent } from './security-event.repository';
import { RequirePermission } from '../../../common/auth/staff-permissions';

const DAY_MS = 24 * 3600 * 1000;

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/security-events')
export class SecurityEventsAdminController {
  public constructor(
    private readonly events: SecurityEventRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  @RequirePermission('security.read')
  @ApiOperation({ summary: 'Security events: one player’s, or of some kinds since a time (admin, risk, compliance)' })
  @ApiOkResponse({ type: SecurityEventListDto })
  public async list(@Query() query: SecurityEventQueryDto): Promise<SecurityEventListDto> {
    const limit = query.limit ?? 100;
    const events = query.userId
      ? await this.events.listForUser(query.userId, limit)
      : await this.events.listRecentOfKinds(
          query.kind ?? [...SECURITY_EVENT_KINDS],
          query.since ? new Date(query.since) : new Date(this.clock.now().getTime() - DAY_MS),
          limit,
        );
    return { items: events.map(toDto) };
  }
}

function toDto(event: SecurityEvent): SecurityEventListDto['items'][number] {
  return { ...event, occurredAt: event.occurredAt.toISOString() };
}
