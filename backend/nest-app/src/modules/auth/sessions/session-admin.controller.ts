import { Body, Controller, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { LogoutAllResultDto } from '../dto/logout-all-result.dto';
import { RevokeSessionsDto } from '../dto/revoke-sessions.dto';
import { UserIdParam } from '../dto/role.dto';
import { AuthThrottlerGuard } from '../throttling/auth-throttler.guard';
import { SessionService } from './session.service';
import { RequirePermission } from '../../../common/auth/staff-permissions';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthThrottlerGuard)
@Controller('admin/users/:id/sessions')
export class SessionAdminController {
  public constructor(private readonly sessions: SessionService) {}

  @Post('revoke')
  @RequirePermission('sessions.revoke')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'End every session of a player, with a reason (admin, risk; audited)' })
  @ApiOkResponse({ type: LogoutAllResultDto })
  public async revokeAll(
    @CurrentUser() actor: AuthenticatedUser,
    @Param() params: UserIdParam,
    @Body() body: RevokeSessionsDto,
    @Origin() origin: RequestOrigin,
  ): Promise<LogoutAllResultDto> {
    return { endedSessions: await this.sessions.endAllByStaff(actor, params.id, body.reason, origin) };
  }
}
