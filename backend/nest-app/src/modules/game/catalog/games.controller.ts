import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../../common/auth/auth.decorators';
import { GameDto, GamePageDto } from './dto/game.dto';
import { GameQueryDto } from './dto/game-query.dto';
import { GamesService } from './games.service';

const DEFAULT_PAGE_SIZE = 24;

/** The public catalog: anyone may browse enabled games. */
@ApiTags('games')
@Public()
@Controller('games')
export class GamesController {
  public constructor(private readonly games: GamesService) {}

  @Get()
  @ApiOkResponse({ type: GamePageDto })
  public async list(@Query() query: GameQueryDto): Promise<GamePageDto> {
    const page = await this.games.list({
      provider: query.provider,
      category: query.category,
      tag: query.tag,
      search: query.search,
      sort: query.sort ?? 'popularity',
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      cursor: query.cursor,
    });
    return {
      items: page.items.map((game) => GameDto.from(game)),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  }

  @Get(':id')
  @ApiOkResponse({ type: GameDto })
  public async get(@Param('id') id: string): Promise<GameDto> {
    return GameDto.from(await this.games.getEnabled(id));
  }
}
