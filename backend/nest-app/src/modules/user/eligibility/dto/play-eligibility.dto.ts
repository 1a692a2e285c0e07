import { ApiProperty } from '@nestjs/swagger';

const GAPS = ['terms', 'privacy', 'birth_date', 'minimum_age', 'age_verification'];

/** GET /users/me/eligibility: may the player deposit and play for real money, and if not, what is missing. */
export class PlayEligibilityDto {
  @ApiProperty({ description: 'True when deposits, real-money launches and bets are open to the player' })
  public eligible!: boolean;

  @ApiProperty({
    enum: GAPS,
    isArray: true,
    description:
      'terms/privacy: accept the current version (PUT /users/me/consents); birth_date: set it (PATCH /users/me); ' +
      'minimum_age: too young; age_verification: complete the KYC check (POST /users/me/kyc)',
  })
  public missing!: string[];

  @ApiProperty({ example: { terms: '2', privacy: '1' }, description: 'The versions to accept' })
  public currentVersions!: Record<string, string>;

  @ApiProperty()
  public minimumAge!: number;

  @ApiProperty({ nullable: true, type: String })
  public ageVerifiedAt!: string | null;
}
