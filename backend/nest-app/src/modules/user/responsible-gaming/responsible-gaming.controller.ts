import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { SelfExclusionDto, TimeOutDto } from './dto/exclusion-requests.dto';
import { RgSettingsDto } from './dto/rg-settings.dto';
import { UpdateRgLimitsDto } from './dto/update-rg-limits.dto';
import { LIMIT_KEYS, type LimitKey } from './rg-limit-types';
import { RgSettingsService } from './rg-settings.service';

@ApiTags('responsible-gaming')
@ApiBearerAuth()
@Controller('users/me/responsible-gaming')
export class ResponsibleGamingController {
  public constructor(private readonly settings: RgSettingsService) {}

  @Get()
  @ApiOkResponse({ type: RgSettingsDto })
  public async get(@CurrentUser() caller: AuthenticatedUser): Promise<RgSettingsDto> {
    return this.settings.view(caller.userId);
  }

  @Put()
  @ApiOkResponse({ type: RgSettingsDto })
  public async update(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: UpdateRgLimitsDto,
  ): Promise<RgSettingsDto> {
    return this.settings.updateLimits(caller.userId, body, caller.userId);
  }

  @Post('limits/:limit/confirm')
  @HttpCode(200)
  @ApiParam({ name: 'limit', enum: LIMIT_KEYS })
  @ApiOkResponse({ type: RgSettingsDto })
  public async confirm(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('limit') limit: string,
  ): Promise<RgSettingsDto> {
    if (!(LIMIT_KEYS as readonly string[]).includes(limit)) throw new BadRequestException('Unknown limit');
    return this.settings.confirm(caller.userId, limit as LimitKey, caller.userId);
  }

  @Post('time-out')
  @HttpCode(200)
  @ApiOkResponse({ type: RgSettingsDto })
  public async timeOut(@CurrentUser() caller: AuthenticatedUser, @Body() body: TimeOutDto): Promise<RgSettingsDto> {
    return this.settings.timeOut(caller.userId, body.hours, body.reason ?? null, caller.userId);
  }

  @Post('self-exclusion')
  @HttpCode(200)
  @ApiOkResponse({ type: RgSettingsDto })
  public async selfExclude(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: SelfExclusionDto,
  ): Promise<RgSettingsDto> {
    return this.settings.selfExclude(caller.userId, body.period, body.reason ?? null, caller.userId);
  }
}
