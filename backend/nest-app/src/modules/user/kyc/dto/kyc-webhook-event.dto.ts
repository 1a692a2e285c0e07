import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { KYC_LEVELS, type KycLevel } from '../kyc-state-machine';

/** The KYC provider's result notification, validated only after its signature checked out. */
export class KycWebhookEventDto {
  @IsString()
  @Length(1, 200)
  public eventId!: string;

  @IsString()
  @Length(1, 200)
  public reference!: string;

  @IsIn(['verified', 'rejected'])
  public status!: 'verified' | 'rejected';

  @IsIn(KYC_LEVELS)
  public level!: KycLevel;

  @IsOptional()
  @IsString()
  @Length(0, 500)
  public reason?: string;

  /** The provider's age check confirmed the date of birth (also on a rejected identity check). */
  @IsOptional()
  @IsBoolean()
  public ageVerified?: boolean;
}
