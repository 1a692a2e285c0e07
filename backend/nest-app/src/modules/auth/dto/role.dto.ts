import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { ROLES, type Role } from '../../../common/auth/roles';

export class RoleDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  public role!: Role;
}

export class UserIdParam {
  @IsUUID()
  public id!: string;
}

export class UserRoleParams {
  @IsUUID()
  public id!: string;

  @IsIn(ROLES)
  public role!: Role;
}
