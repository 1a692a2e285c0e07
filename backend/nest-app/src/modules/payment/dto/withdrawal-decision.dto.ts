import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';

/** A finance officer's decision on a withdrawal waiting for approval. */
export class WithdrawalDecisionDto {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'])
  public decision!: 'approve' | 'reject';

  @ApiProperty({ description: 'Why; kept in the audit log' })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  public reason!: string;
}
