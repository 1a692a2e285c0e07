import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { PlayerTagsDto, ReasonDto, StaffNoteDto } from './dto/player-action.dto';
import { PlayerSummaryDto, PlayerTagsResponseDto, StaffNoteResponseDto } from './dto/player.dto';
import { PlayerActionsService } from './player-actions.service';
import type { PlayerSummaryRow, StaffNoteRow } from './players.repository';

/** Block, unblock, notes and tags (docs/roles.md); each audited. */
@ApiTags('admin: players')
@ApiBearerAuth()
@Controller('admin/players/:id')
export class PlayerActionsController {
  public constructor(private readonly actions: PlayerActionsService) {}

  @Post('block')
  @RequirePermission('players.block')
  @HttpCode(200)
  @ApiOkResponse({ type: PlayerSummaryDto })
  public async block(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ReasonDto,
    @Origin() origin: RequestOrigin,
  ): Promise<Omit<PlayerSummaryRow, 'cursorAt'>> {
    const { cursorAt: _cursor, ...row } = await this.actions.block({ user, origin }, id, body.reason);
    return row;
  }

  @Post('unblock')
  @RequirePermission('players.block')
  @HttpCode(200)
  @ApiOkResponse({ type: PlayerSummaryDto })
  public async unblock(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: ReasonDto,
    @Origin() origin: RequestOrigin,
  ): Promise<Omit<PlayerSummaryRow, 'cursorAt'>> {
    const { cursorAt: _cursor, ...row } = await this.actions.unblock({ user, origin }, id, body.reason);
    return row;
  }

  @Post('notes')
  @RequirePermission('players.notes')
  @ApiCreatedResponse({ type: StaffNoteResponseDto })
  public note(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: StaffNoteDto,
    @Origin() origin: RequestOrigin,
  ): Promise<StaffNoteRow> {
    return this.actions.addNote({ user, origin }, id, body.text);
  }

  @Put('tags')
  @RequirePermission('players.tags')
  @ApiOkResponse({ type: PlayerTagsResponseDto })
  public async tags(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: PlayerTagsDto,
    @Origin() origin: RequestOrigin,
  ): Promise<{ tags: string[] }> {
    return { tags: await this.actions.replaceTags({ user, origin }, id, body.tags, body.reason) };
  }
}
