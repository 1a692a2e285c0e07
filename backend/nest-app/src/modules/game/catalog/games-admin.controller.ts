import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { GameDto } from './dto/game.dto';
import { UpdateGameDto } from './dto/update-game.dto';
import { GamesService } from './games.service';
import { RequirePermission } from '../../../common/auth/staff-permissions';

/** Staff enable, disable and edit games; each change is in the audit log. */
@ApiTags('admin: games')
@ApiBearerAuth()
@Controller('admin/games')
export class GamesAdminController {
  public constructor(private readonly games: GamesService) {}

  @Get(':id')
  @RequirePermission('games.read')
  @ApiOkResponse({ type: GameDto })
  public async get(@Param('id') id: string): Promise<GameDto> {
    return GameDto.from(await this.games.getAny(id), true);
  }

  @Patch(':id')
  @RequirePermission('games.manage')
  @ApiOkResponse({ type: GameDto })
  public async edit(
    @Param('id') id: string,
    @Body() body: UpdateGameDto,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: FastifyRequest,
  ): Promise<GameDto> {
    return GameDto.from(await this.games.edit(id, { ...body }, { user, requestId: request.id }), true);
  }

  @Post(':id/enable')
  @RequirePermission('games.manage')
  @HttpCode(200)
  @ApiOkResponse({ type: GameDto })
  public async enable(
    @Param('id') id: string,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: FastifyRequest,
  ): Promise<GameDto> {
    return GameDto.from(await this.games.edit(id, { enabled: true }, { user, requestId: request.id }), true);
  }

  @Post(':id/disable')
  @RequirePermission('games.manage')
  @HttpCode(200)
  @ApiOkResponse({ type: GameDto })
  public async disable(
    @Param('id') id: string,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: FastifyRequest,
  ): Promise<GameDto> {
    return GameDto.from(await this.games.edit(id, { enabled: false }, { user, requestId: request.id }), true);
  }
}
