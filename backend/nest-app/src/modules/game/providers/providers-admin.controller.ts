import { Body, Controller, Get, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { CreateProviderDto } from './dto/create-provider.dto';
import { ProviderDto, ProviderListDto } from './dto/provider.dto';
import { UpdateProviderDto } from './dto/update-provider.dto';
import { ProvidersService } from './providers.service';
import { RequirePermission } from '../../../common/auth/staff-permissions';

/** Staff manage the game provider registry; every change is audited, secrets are write-only. */
@ApiTags('admin: game providers')
@ApiBearerAuth()
@Controller('admin/game-providers')
export class ProvidersAdminController {
  public constructor(private readonly providers: ProvidersService) {}

  @Get()
  @RequirePermission('providers.read')
  @ApiOkResponse({ type: ProviderListDto })
  public async list(): Promise<ProviderListDto> {
    return { items: (await this.providers.list()).map((record) => ProviderDto.from(record)) };
  }

  @Get(':code')
  @RequirePermission('providers.read')
  @ApiOkResponse({ type: ProviderDto })
  public async get(@Param('code') code: string): Promise<ProviderDto> {
    return ProviderDto.from(await this.providers.get(code));
  }

  @Post()
  @RequirePermission('providers.manage')
  @ApiOkResponse({ type: ProviderDto })
  public async create(
    @Body() body: CreateProviderDto,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: FastifyRequest,
  ): Promise<ProviderDto> {
    return ProviderDto.from(await this.providers.create(body, { user, requestId: request.id }));
  }

  @Patch(':code')
  @RequirePermission('providers.manage')
  @ApiOkResponse({ type: ProviderDto })
  public async update(
    @Param('code') code: string,
    @Body() body: UpdateProviderDto,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: FastifyRequest,
  ): Promise<ProviderDto> {
    return ProviderDto.from(await this.providers.update(code, body, { user, requestId: request.id }));
  }
}
