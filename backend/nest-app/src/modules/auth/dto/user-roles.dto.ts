import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../../common/auth/roles';

export class UserRolesDto {
  @ApiProperty()
  public userId!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  public roles!: Role[];
}
