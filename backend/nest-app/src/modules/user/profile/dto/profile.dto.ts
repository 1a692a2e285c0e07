import { ApiProperty } from '@nestjs/swagger';

export class TelegramLinkDto {
  @ApiProperty()
  public id!: string;

  @ApiProperty({ nullable: true, type: String })
  public username!: string | null;
}

/** GET /users/me. */
export class ProfileDto {
  @ApiProperty({ format: 'uuid' })
  public id!: string;

  @ApiProperty({ nullable: true, type: String })
  public email!: string | null;

  @ApiProperty()
  public emailVerified!: boolean;

  @ApiProperty({ nullable: true, type: String, description: 'Address awaiting its code' })
  public pendingEmail!: string | null;

  @ApiProperty({ nullable: true, type: TelegramLinkDto })
  public telegram!: TelegramLinkDto | null;

  @ApiProperty({ nullable: true, type: String })
  public phone!: string | null;

  @ApiProperty()
  public phoneVerified!: boolean;

  @ApiProperty({ nullable: true, type: String, description: 'Number awaiting its code' })
  public pendingPhone!: string | null;

  @ApiProperty({ type: [String] })
  public roles!: string[];

  @ApiProperty({ enum: ['active', 'blocked', 'closed'] })
  public status!: string;

  @ApiProperty({ nullable: true, type: String })
  public displayName!: string | null;

  @ApiProperty({ nullable: true, type: String })
  public firstName!: string | null;

  @ApiProperty({ nullable: true, type: String })
  public lastName!: string | null;

  @ApiProperty({ nullable: true, type: String, example: '1990-05-17' })
  public birthDate!: string | null;

  @ApiProperty({ nullable: true, type: String })
  public country!: string | null;

  @ApiProperty({ nullable: true, type: String })
  public language!: string | null;

  @ApiProperty({ example: 'EUR' })
  public currency!: string;

  @ApiProperty({ description: 'True once the first deposit fixed the currency' })
  public currencyLocked!: boolean;

  @ApiProperty()
  public createdAt!: string;
}
