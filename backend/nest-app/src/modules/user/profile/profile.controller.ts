import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { CodeRequest } from '../../auth/throttling/code-request.decorator';
import { ChangeEmailDto } from './dto/change-email.dto';
import { CodeSentDto } from './dto/code-sent.dto';
import { ConfirmCodeDto } from './dto/confirm-code.dto';
import { ProfileDto } from './dto/profile.dto';
import { UpdateProfileDto } from './dto/update-profile.dto';
import { ProfileService } from './profile.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users/me')
export class ProfileController {
  public constructor(private readonly profiles: ProfileService) {}

  @Get()
  @ApiOkResponse({ type: ProfileDto })
  public async get(@CurrentUser() caller: AuthenticatedUser): Promise<ProfileDto> {
    return this.profiles.getProfile(caller.userId);
  }

  @Patch()
  @CodeRequest('sms', { whenBodyHas: 'phone' })
  @ApiOkResponse({ type: ProfileDto, description: 'A new phone number is pending until POST /users/me/phone/confirm' })
  public async update(@CurrentUser() caller: AuthenticatedUser, @Body() body: UpdateProfileDto): Promise<ProfileDto> {
    return this.profiles.updateProfile(caller.userId, body);
  }

  @Post('email')
  @HttpCode(202)
  @CodeRequest('mail')
  @ApiAcceptedResponse({ type: CodeSentDto })
  public async changeEmail(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: ChangeEmailDto,
  ): Promise<CodeSentDto> {
    return this.profiles.startEmailChange(caller.userId, body.email);
  }

  @Post('email/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: ProfileDto, description: 'Audited as user.email.change' })
  public async confirmEmail(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: ConfirmCodeDto,
    @Origin() origin: RequestOrigin,
  ): Promise<ProfileDto> {
    return this.profiles.confirmEmailChange(caller, body.code, origin);
  }

  @Post('phone/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: ProfileDto, description: 'Audited as user.phone.change' })
  public async confirmPhone(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: ConfirmCodeDto,
    @Origin() origin: RequestOrigin,
  ): Promise<ProfileDto> {
    return this.profiles.confirmPhoneChange(caller, body.code, origin);
  }
}
