import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { KYC_LEVELS, type KycLevel } from '../kyc-state-machine';

export class StartKycDto {
  @ApiPropertyOptional({ enum: KYC_LEVELS, default: 'basic' })
  @IsOptional()
  @IsIn(KYC_LEVELS)
  public level?: KycLevel;
}
