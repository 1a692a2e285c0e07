import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../user/user-directory';
import { LogoutAllResultDto } from '../dto/logout-all-result.dto';
import { RefreshDto } from '../dto/refresh.dto';
import { SessionIdParam } from '../dto/session-id.param';
import { SessionDto } from '../dto/session.dto';
import { TokenPairDto } from '../dto/token-pair.dto';
import { Origin } from '../../../common/http/request-origin';
import { AuthThrottlerGuard } from '../throttling/auth-throttler.guard';
import { SessionService } from './session.service';

@ApiTags('auth')
@UseGuards(AuthThrottlerGuard)
@Controller('auth')
export class AuthSessionController {
  public constructor(private readonly sessions: SessionService) {}

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Rotate the refresh token; a reused one ends its whole session' })
  @ApiOkResponse({ type: TokenPairDto })
  public refresh(@Body() body: RefreshDto, @Origin() origin: RequestOrigin): Promise<TokenPairDto> {
    return this.sessions.refresh(body.refreshToken, origin);
  }

  @Get('sessions')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller`s live sessions' })
  @ApiOkResponse({ type: [SessionDto] })
  public async list(@CurrentUser() user: AuthenticatedUser): Promise<SessionDto[]> {
    const sessions = await this.sessions.list(user.userId);
    return sessions.map((session) => ({
      id: session.id,
      method: session.method,
      device: session.userAgent,
      ip: session.ip,
      createdAt: new Date(session.createdAt).toISOString(),
      lastSeenAt: new Date(session.lastSeenAt).toISOString(),
      current: session.id === user.sessionId,
    }));
  }

  @Delete('sessions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End one of the caller`s sessions' })
  @ApiNoContentResponse()
  public async end(
    @CurrentUser() user: AuthenticatedUser,
    @Param() params: SessionIdParam,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    await this.sessions.end(user, params.id, origin);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End the current session' })
  @ApiNoContentResponse()
  public async logout(@CurrentUser() user: AuthenticatedUser, @Origin() origin: RequestOrigin): Promise<void> {
    await this.sessions.end(user, user.sessionId, origin);
  }

  @Post('logout-all')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End every session of the caller' })
  @ApiOkResponse({ type: LogoutAllResultDto })
  public async logoutAll(
    @CurrentUser() user: AuthenticatedUser,
    @Origin() origin: RequestOrigin,
  ): Promise<LogoutAllResultDto> {
    return { endedSessions: await this.sessions.endAll(user, user.userId, origin) };
  }
}
