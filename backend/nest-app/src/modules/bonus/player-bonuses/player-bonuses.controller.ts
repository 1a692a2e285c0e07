import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { PlayerBonusDto, PlayerBonusListDto } from './dto/player-bonus.dto';
import { PlayerBonusesService } from './player-bonuses.service';

/** The signed-in player's bonuses (docs/bonuses.md): wagering progress and terms, opt-in, forfeit. */
@ApiTags('bonus: players')
@ApiBearerAuth()
@Controller('bonuses/me')
export class PlayerBonusesController {
  public constructor(private readonly bonuses: PlayerBonusesService) {}

  @Get()
  @ApiOkResponse({ type: PlayerBonusListDto })
  public async list(@CurrentUser() user: AuthenticatedUser): Promise<PlayerBonusListDto> {
    return { items: (await this.bonuses.listMine(user.userId)).map((bonus) => PlayerBonusDto.from(bonus)) };
  }

  @Post(':id/opt-in')
  @HttpCode(200)
  @ApiOkResponse({ type: PlayerBonusDto })
  public async optIn(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<PlayerBonusDto> {
    return PlayerBonusDto.from(await this.bonuses.optIn(user.userId, id));
  }

  /** CMA: the player can leave at any time; the remaining bonus money is removed, cash and winnings stay. */
  @Post(':id/forfeit')
  @HttpCode(200)
  @ApiOkResponse({ type: PlayerBonusDto })
  public async forfeit(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<PlayerBonusDto> {
    return PlayerBonusDto.from(await this.bonuses.forfeit(user.userId, id));
  }
}
