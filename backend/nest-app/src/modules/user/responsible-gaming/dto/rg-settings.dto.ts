import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';

export class PendingChangeDto {
  @ApiProperty({ nullable: true, type: String, description: 'The looser value asked for; null for a removal' })
  public value!: string | null;

  @ApiProperty()
  public requestedAt!: string;

  @ApiProperty({ description: 'From when the player may confirm it (24 h after the request)' })
  public confirmableAt!: string;

  @ApiProperty()
  public confirmable!: boolean;
}

export class LimitViewDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Effective value: minor units for money limits, minutes for time limits; null: none',
  })
  public value!: string | null;

  @ApiProperty({ nullable: true, type: String })
  public currency!: string | null;

  @ApiProperty({ nullable: true, type: PendingChangeDto })
  public pending!: PendingChangeDto | null;

  @ApiProperty({ nullable: true, type: String, description: 'Used so far this period (money limits in force)' })
  public used!: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'When the period resets (money limits in force)' })
  public resetsAt!: string | null;
}

export class ExclusionViewDto {
  @ApiProperty({ enum: ['time_out', 'self_exclusion'] })
  public kind!: string;

  @ApiProperty({ example: '6m' })
  public period!: string;

  @ApiProperty()
  public startedAt!: string;

  @ApiProperty({ nullable: true, type: String, description: 'null: permanent' })
  public until!: string | null;
}

/** GET /users/me/responsible-gaming: effective and pending values of every limit, and any exclusion. */
@ApiExtraModels(LimitViewDto)
export class RgSettingsDto {
  @ApiProperty({
    type: 'object',
    description: 'depositDay ... wagerMonth, sessionTimeMinutes, realityCheckMinutes',
    additionalProperties: { $ref: getSchemaPath(LimitViewDto) },
  })
  public limits!: Record<string, LimitViewDto>;

  @ApiProperty({ nullable: true, type: ExclusionViewDto })
  public exclusion!: ExclusionViewDto | null;
}
