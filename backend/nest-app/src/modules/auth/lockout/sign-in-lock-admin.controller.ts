import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { UserIdParam } from '../dto/role.dto';
import { ReleaseSignInLockDto, SignInLockReleaseDto } from '../dto/sign-in-lock.dto';
import { StaffSignInLockout } from './staff-sign-in-lockout';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/users/:id/sign-in-lock')
export class SignInLockAdminController {
  public constructor(private readonly lockout: StaffSignInLockout) {}

  @Post('release')
  @RequirePermission('staff.unlock')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "Release a staff account's sign-in lock, with a reason (audited)" })
  @ApiOkResponse({ type: SignInLockReleaseDto })
  public release(
    @CurrentUser() actor: AuthenticatedUser,
    @Param() params: UserIdParam,
    @Body() body: ReleaseSignInLockDto,
    @Origin() origin: RequestOrigin,
  ): Promise<SignInLockReleaseDto> {
    return this.lockout.release(actor, params.id, body.reason, origin);
  }
}
