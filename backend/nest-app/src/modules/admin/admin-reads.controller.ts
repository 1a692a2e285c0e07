import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user';
import { permissionsOf, RequirePermission } from '../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../common/http/request-origin';
import { AuditLogReaderRepository } from './audit/audit-log-reader.repository';
import { DashboardService, type Dashboard } from './dashboard/dashboard.service';
import { AuditQueryDto, PlayerSearchQueryDto, SecurityFeedQueryDto, StaffMeDto } from './admin-query.dto';
import { AuditPageDto, DashboardDto, SecurityFeedPageDto } from './admin-response.dto';
import { PlayerPageDto, Player360Dto } from './players/dto/player.dto';
import { Player360Service } from './players/player-360.service';
import { SecurityFeedRepository } from './security/security-feed.repository';
import { decodeCursor, pageOf } from './shared/keyset-cursor';

/** The back office's read routes (docs/roles.md): staff identity, players, audit log, security feed, dashboard. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin')
export class AdminReadsController {
  public constructor(
    private readonly players: Player360Service,
    private readonly audit: AuditLogReaderRepository,
    private readonly securityFeed: SecurityFeedRepository,
    private readonly dashboardService: DashboardService,
  ) {}

  @Get('me')
  @RequirePermission('staff.me')
  @ApiOkResponse({ type: StaffMeDto })
  public me(@CurrentUser() user: AuthenticatedUser): StaffMeDto {
    return { userId: user.userId, roles: user.roles, permissions: permissionsOf(user.roles) };
  }

  @Get('players')
  @RequirePermission('players.read')
  @ApiOkResponse({ type: PlayerPageDto })
  public async searchPlayers(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: PlayerSearchQueryDto,
  ): Promise<PlayerPageDto> {
    const page = await this.players.search(user.roles, query);
    return { items: page.rows.map(({ cursorAt: _cursor, ...row }) => row), nextCursor: page.nextCursor };
  }

  @Get('players/:id')
  @RequirePermission('players.read')
  @ApiOkResponse({ type: Player360Dto })
  public player(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Origin() origin: RequestOrigin,
  ): Promise<Record<string, unknown>> {
    return this.players.view({ user, origin }, id);
  }

  @Get('audit-log')
  @RequirePermission('audit.read')
  @ApiOkResponse({ type: AuditPageDto })
  public async auditLog(@Query() query: AuditQueryDto): Promise<AuditPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.audit.list({ ...query, after: decodeCursor(query.cursor), limit });
    const page = pageOf(rows, limit, (row) => row.id);
    return { items: page.rows.map(({ cursorAt: _cursor, ...row }) => row), nextCursor: page.nextCursor };
  }

  @Get('security-feed')
  @RequirePermission('security.read')
  @ApiOkResponse({ type: SecurityFeedPageDto })
  public async securityEvents(@Query() query: SecurityFeedQueryDto): Promise<SecurityFeedPageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.securityFeed.list({
      ...query,
      kinds: query.kind,
      after: decodeCursor(query.cursor),
      limit,
    });
    const page = pageOf(rows, limit, (row) => row.rowId);
    return { items: page.rows.map(({ cursorAt: _cursor, rowId: _row, ...row }) => row), nextCursor: page.nextCursor };
  }

  @Get('dashboard')
  @RequirePermission('dashboard.read')
  @ApiOkResponse({ type: DashboardDto })
  public dashboard(): Promise<Dashboard> {
    return this.dashboardService.dashboard();
  }
}
