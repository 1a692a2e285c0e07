import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { KYC_LEVELS, type KycLevel } from '../kyc-state-machine';

/** POST /admin/users/:id/kyc/decision — a staff decision on a pending check. */
export class KycDecisionDto {
  @ApiProperty({ enum: ['verified', 'rejected'] })
  @IsIn(['verified', 'rejected'])
  public status!: 'verified' | 'rejected';

  @ApiProperty({ enum: KYC_LEVELS })
  @IsIn(KYC_LEVELS)
  public level!: KycLevel;

  @ApiProperty({ example: 'Passport and proof of address checked' })
  @IsString()
  @Length(3, 500)
  public reason!: string;
}
