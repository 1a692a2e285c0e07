import { ApiProperty } from '@nestjs/swagger';

/** One row of the player search, and the answer of block and unblock. */
export class PlayerSummaryDto {
  @ApiProperty({ format: 'uuid' }) public id!: string;
  @ApiProperty({ nullable: true, type: String }) public email!: string | null;
  @ApiProperty({ nullable: true, type: String }) public phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) public telegramId!: string | null;
  @ApiProperty({ nullable: true, type: String }) public displayName!: string | null;
  @ApiProperty({ nullable: true, type: String }) public firstName!: string | null;
  @ApiProperty({ nullable: true, type: String }) public lastName!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'DE' }) public country!: string | null;
  @ApiProperty({ example: 'EUR' }) public currency!: string;
  @ApiProperty({ enum: ['active', 'blocked', 'closed'] }) public status!: string;
  @ApiProperty({ nullable: true, type: String, enum: ['not_started', 'pending', 'verified', 'rejected'] })
  public kycStatus!: string | null;

  @ApiProperty() public selfExcluded!: boolean;
  @ApiProperty({ type: [String] }) public tags!: string[];
  @ApiProperty({ format: 'date-time' }) public createdAt!: Date;
}

export class PlayerPageDto {
  @ApiProperty({ type: [PlayerSummaryDto] }) public items!: PlayerSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) public nextCursor!: string | null;
}

export class StaffNoteResponseDto {
  @ApiProperty({ format: 'uuid' }) public id!: string;
  @ApiProperty() public text!: string;
  @ApiProperty({ format: 'uuid' }) public authorId!: string;
  @ApiProperty({ format: 'date-time' }) public createdAt!: Date;
}

export class PlayerTagsResponseDto {
  @ApiProperty({ type: [String] }) public tags!: string[];
}

/** The player 360 (docs/roles.md "Shapes" lists each part). */
export class Player360Dto {
  @ApiProperty({ type: Object, description: 'PlayerSummary and birthDate, language, verification times, roles' })
  public profile!: Record<string, unknown>;

  @ApiProperty({ type: Object, description: "the user module's KYC review: current status and history" })
  public kyc!: Record<string, unknown>;

  @ApiProperty({ type: Object, description: 'limits and exclusion, as the player sees them' })
  public responsibleGaming!: Record<string, unknown>;

  @ApiProperty({ type: [Object], description: 'each wallet with balances and its 10 latest transactions' })
  public wallets!: Record<string, unknown>[];

  @ApiProperty({ type: [Object] }) public payments!: Record<string, unknown>[];
  @ApiProperty({ type: [Object] }) public gameSessions!: Record<string, unknown>[];
  @ApiProperty({ type: [Object] }) public signInSessions!: Record<string, unknown>[];
  @ApiProperty({ type: [Object] }) public securityEvents!: Record<string, unknown>[];
  @ApiProperty({ type: [Object] }) public auditTrail!: Record<string, unknown>[];
  @ApiProperty({ type: [StaffNoteResponseDto] }) public notes!: StaffNoteResponseDto[];
  @ApiProperty({ type: [String] }) public tags!: string[];
}
