import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { requestOriginOf } from '../../../common/http/request-origin';
import { LaunchGameDto, LaunchGameResponseDto } from './dto/launch-game.dto';
import { GameSessionsService } from './game-sessions.service';
import { LaunchAuthGuard } from './launch-auth.guard';

@ApiTags('games')
@Controller('games')
export class GameLaunchController {
  public constructor(private readonly sessions: GameSessionsService) {}

  /** Opens a game session and answers where to open the game. Demo mode needs no sign-in. */
  @Post(':id/launch')
  @Public()
  @UseGuards(LaunchAuthGuard)
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: LaunchGameResponseDto })
  public async launch(
    @Param('id') id: string,
    @Body() body: LaunchGameDto,
    @Req() request: FastifyRequest & { user?: AuthenticatedUser },
  ): Promise<LaunchGameResponseDto> {
    return this.sessions.launch({
      gameId: id,
      mode: body.mode,
      platform: body.platform,
      language: body.language ?? 'en',
      userId: body.mode === 'real' ? (request.user?.userId ?? null) : null,
      ip: requestOriginOf(request).ip,
    });
  }
}
