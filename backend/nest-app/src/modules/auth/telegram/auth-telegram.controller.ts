import { Body, Controller, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Public } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../user/user-directory';
import { SignInResultDto } from '../dto/sign-in-result.dto';
import { TelegramWebAppDto } from '../dto/telegram-web-app.dto';
import { TelegramWidgetDto, widgetFields } from '../dto/telegram-widget.dto';
import { Origin } from '../../../common/http/request-origin';
import { AuthThrottlerGuard } from '../throttling/auth-throttler.guard';
import { TelegramSignInService } from './telegram-sign-in.service';

@ApiTags('auth')
@UseGuards(AuthThrottlerGuard)
@Controller('auth/telegram')
export class AuthTelegramController {
  public constructor(private readonly telegram: TelegramSignInService) {}

  @Public()
  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in (or up) with a Telegram Login Widget payload' })
  @ApiOkResponse({ type: SignInResultDto })
  public widget(@Body() body: TelegramWidgetDto, @Origin() origin: RequestOrigin): Promise<SignInResultDto> {
    return this.telegram.signInWithWidget(widgetFields(body), origin);
  }

  @Public()
  @Post('webapp')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in (or up) with a Telegram Mini App initData' })
  @ApiOkResponse({ type: SignInResultDto })
  public webApp(@Body() body: TelegramWebAppDto, @Origin() origin: RequestOrigin): Promise<SignInResultDto> {
    return this.telegram.signInWithWebApp(body.initData, origin);
  }

  @Post('link')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Link a Telegram account (Login Widget payload) to the signed-in account' })
  @ApiNoContentResponse()
  public async link(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: TelegramWidgetDto,
    @Origin() origin: RequestOrigin,
  ): Promise<void> {
    await this.telegram.link(user, widgetFields(body), origin);
  }
}
