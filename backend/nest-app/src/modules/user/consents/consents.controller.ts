import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { ConsentsService } from './consents.service';
import { ConsentsDto, UpdateConsentsDto } from './dto/consents.dto';
import { NotificationPreferencesDto } from './dto/notification-preferences.dto';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users/me')
export class ConsentsController {
  public constructor(private readonly consents: ConsentsService) {}

  @Get('consents')
  @ApiOkResponse({ type: ConsentsDto })
  public async list(@CurrentUser() caller: AuthenticatedUser): Promise<ConsentsDto> {
    return this.consents.list(caller.userId);
  }

  @Put('consents')
  @ApiOkResponse({ type: ConsentsDto })
  public async record(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: UpdateConsentsDto,
    @Origin() origin: RequestOrigin,
  ): Promise<ConsentsDto> {
    return this.consents.record(caller.userId, body.consents, origin);
  }

  @Get('notification-preferences')
  @ApiOkResponse({ type: NotificationPreferencesDto })
  public async preferences(@CurrentUser() caller: AuthenticatedUser): Promise<NotificationPreferencesDto> {
    return this.consents.preferences(caller.userId);
  }

  @Put('notification-preferences')
  @ApiOkResponse({ type: NotificationPreferencesDto })
  public async updatePreferences(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: NotificationPreferencesDto,
  ): Promise<NotificationPreferencesDto> {
    return this.consents.updatePreferences(caller.userId, body.preferences);
  }
}
