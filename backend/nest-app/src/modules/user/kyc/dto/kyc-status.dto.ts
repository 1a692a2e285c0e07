import { ApiProperty } from '@nestjs/swagger';
import { KYC_LEVELS, KYC_STATUSES } from '../kyc-state-machine';

export class KycStatusDto {
  @ApiProperty({ enum: KYC_STATUSES })
  public status!: string;

  @ApiProperty({ enum: KYC_LEVELS, nullable: true, type: String })
  public level!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Why the last decision was taken' })
  public reason!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Reference to hand to the provider SDK' })
  public providerReference!: string | null;

  @ApiProperty({ nullable: true, type: String })
  public updatedAt!: string | null;
}
