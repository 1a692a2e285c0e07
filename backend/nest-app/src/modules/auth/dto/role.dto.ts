import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { ROLES, type Role } from '../../../common/auth/roles';

export class RoleDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  public role!: Role;
}

export class UserIdParam {
  @ApiProperty({ format: 'uuid', description: 'The user' })
  @IsUUID()
  public id!: string;
}

export class UserRoleParams {
  @ApiProperty({ format: 'uuid', description: 'The user' })
  @IsUUID()
  public id!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  public role!: Role;
}
