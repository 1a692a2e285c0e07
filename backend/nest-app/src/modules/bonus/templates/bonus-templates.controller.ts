import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { templateToDto, termsFromDto } from './bonus-template.mapper';
import { BonusTemplatesService } from './bonus-templates.service';
import { BonusTemplateDto, BonusTemplateListDto, CreateBonusTemplateDto } from './dto/bonus-template.dto';

/** Staff (admin) bonus templates (docs/bonuses.md): create, list, read, retire; every change audited. */
@ApiTags('bonus: templates')
@ApiBearerAuth()
@RequirePermission('bonuses.manage')
@Controller('bonus/templates')
export class BonusTemplatesController {
  public constructor(private readonly templates: BonusTemplatesService) {}

  @Post()
  @ApiCreatedResponse({ type: BonusTemplateDto })
  public async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateBonusTemplateDto,
    @Origin() origin: RequestOrigin,
  ): Promise<BonusTemplateDto> {
    return templateToDto(await this.templates.create({ user, origin }, termsFromDto(body)));
  }

  @Get()
  @ApiOkResponse({ type: BonusTemplateListDto })
  public async list(): Promise<BonusTemplateListDto> {
    return { items: (await this.templates.list()).map(templateToDto) };
  }

  @Get(':id')
  @ApiOkResponse({ type: BonusTemplateDto })
  public async get(@Param('id', ParseUUIDPipe) id: string): Promise<BonusTemplateDto> {
    return templateToDto(await this.templates.get(id));
  }

  @Post(':id/retire')
  @HttpCode(200)
  @ApiOkResponse({ type: BonusTemplateDto })
  public async retire(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Origin() origin: RequestOrigin,
  ): Promise<BonusTemplateDto> {
    return templateToDto(await this.templates.retire({ user, origin }, id));
  }
}
