import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { PlayEligibilityDto } from './dto/play-eligibility.dto';
import { PlayEligibilityService } from './play-eligibility.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users/me')
export class PlayEligibilityController {
  public constructor(private readonly eligibility: PlayEligibilityService) {}

  @Get('eligibility')
  @ApiOkResponse({ type: PlayEligibilityDto })
  public async describe(@CurrentUser() caller: AuthenticatedUser): Promise<PlayEligibilityDto> {
    return this.eligibility.describe(caller.userId);
  }
}
