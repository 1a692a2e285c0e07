import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** Staff release a staff account's sign-in lock before it ends. */
export class ReleaseSignInLockDto {
  @ApiProperty({ description: 'Why; kept in the audit log', minLength: 3, maxLength: 500 })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  public reason!: string;
}

export class SignInLockReleaseDto {
  @ApiProperty({ format: 'uuid' })
  public userId!: string;

  @ApiProperty({ description: 'Seconds the lock still had to run when it was released', example: 840 })
  public lockedForSeconds!: number;

  @ApiProperty({ description: 'Wrong codes that set the lock', example: 5 })
  public failures!: number;
}
