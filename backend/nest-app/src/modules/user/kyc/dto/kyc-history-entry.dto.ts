import { ApiProperty } from '@nestjs/swagger';
import { KycStatusDto } from './kyc-status.dto';

export class KycHistoryEntryDto {
  @ApiProperty()
  public fromStatus!: string;

  @ApiProperty()
  public toStatus!: string;

  @ApiProperty()
  public level!: string;

  @ApiProperty({ nullable: true, type: String })
  public reason!: string | null;

  @ApiProperty({ enum: ['player', 'provider', 'staff'] })
  public actorType!: string;

  @ApiProperty({ nullable: true, type: String })
  public actorId!: string | null;

  @ApiProperty()
  public occurredAt!: string;
}

/** GET /admin/users/:id/kyc. */
export class KycReviewDto {
  @ApiProperty({ type: KycStatusDto })
  public current!: KycStatusDto;

  @ApiProperty({ type: [KycHistoryEntryDto] })
  public history!: KycHistoryEntryDto[];
}
