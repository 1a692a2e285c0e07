import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../user/user-directory';
import { RoleDto, UserIdParam, UserRoleParams } from '../dto/role.dto';
import { UserRolesDto } from '../dto/user-roles.dto';
import { Origin } from '../../../common/http/request-origin';
import { AuthThrottlerGuard } from '../throttling/auth-throttler.guard';
import { RoleAdminService } from './role-admin.service';
import { RequirePermission } from '../../../common/auth/staff-permissions';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AuthThrottlerGuard)
@Controller('admin/users/:id/roles')
export class AdminRolesController {
  public constructor(private readonly roles: RoleAdminService) {}

  @Post()
  @RequirePermission('roles.manage')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Grant a role (admin only, audited)' })
  @ApiOkResponse({ type: UserRolesDto })
  public async grant(
    @CurrentUser() actor: AuthenticatedUser,
    @Param() params: UserIdParam,
    @Body() body: RoleDto,
    @Origin() origin: RequestOrigin,
  ): Promise<UserRolesDto> {
    const account = await this.roles.grant(actor, params.id, body.role, origin);
    return { userId: account.id, roles: account.roles };
  }

  @Delete(':role')
  @RequirePermission('roles.manage')
  @ApiOperation({ summary: 'Revoke a role (admin only, audited)' })
  @ApiOkResponse({ type: UserRolesDto })
  public async revoke(
    @CurrentUser() actor: AuthenticatedUser,
    @Param() params: UserRoleParams,
    @Origin() origin: RequestOrigin,
  ): Promise<UserRolesDto> {
    const account = await this.roles.revoke(actor, params.id, params.role, origin);
    return { userId: account.id, roles: account.roles };
  }
}
