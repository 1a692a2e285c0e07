import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { GamesService } from '../../game';
import { decodeCursor, pageOf } from '../shared/keyset-cursor';
import {
  CreateStaffGameDto,
  ResetGameFieldsDto,
  StaffGameDto,
  StaffGamePageDto,
  StaffGameQueryDto,
} from './staff-game.dto';

/**
 * The catalogue for staff, beside the game module's `admin/games/:id` routes: every game with filters, games added by
 * hand, and provider fields handed back to the sync (docs/roles.md).
 */
@ApiTags('admin: games')
@ApiBearerAuth()
@Controller('admin/games')
export class StaffGamesController {
  public constructor(private readonly games: GamesService) {}

  @Get()
  @RequirePermission('games.read')
  @ApiOkResponse({ type: StaffGamePageDto })
  public async list(@Query() query: StaffGameQueryDto): Promise<StaffGamePageDto> {
    const limit = query.limit ?? 50;
    const rows = await this.games.listForStaff({ ...query, after: decodeCursor(query.cursor), limit });
    const page = pageOf(rows, limit, (row) => row.id);
    return { items: page.rows.map((row) => StaffGameDto.fromRecord(row)), nextCursor: page.nextCursor };
  }

  @Post()
  @RequirePermission('games.manage')
  @ApiCreatedResponse({ type: StaffGameDto })
  public async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateStaffGameDto,
    @Origin() origin: RequestOrigin,
  ): Promise<StaffGameDto> {
    const game = {
      gameCode: body.gameCode,
      title: body.title,
      category: body.category,
      rtp: body.rtp ?? null,
      volatility: body.volatility ?? null,
      thumbnailUrl: body.thumbnailUrl ?? null,
      tags: body.tags ?? [],
      enabled: body.enabled ?? false,
    };
    const actor = { user, requestId: origin.requestId };
    return StaffGameDto.fromRecord(await this.games.createByStaff(body.providerCode, game, actor));
  }

  @Post(':id/reset-fields')
  @RequirePermission('games.manage')
  @HttpCode(200)
  @ApiOkResponse({ type: StaffGameDto })
  public async resetFields(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ResetGameFieldsDto,
    @Origin() origin: RequestOrigin,
  ): Promise<StaffGameDto> {
    const actor = { user, requestId: origin.requestId };
    return StaffGameDto.fromRecord(await this.games.releaseStaffFields(id, body.fields, actor));
  }
}
