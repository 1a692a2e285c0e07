import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';

const AMOUNT = /^[1-9]\d{0,17}$/;
const AMOUNT_MESSAGE = 'must be a positive amount of integer minor units as a string, or null to remove the limit';

function MoneyLimit(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ type: String, nullable: true, example: '10000', description: 'minor units; null removes' })(
      target,
      key,
    );
    ValidateIf((_object, value) => value !== undefined && value !== null)(target, key);
    Matches(AMOUNT, { message: `${String(key)} ${AMOUNT_MESSAGE}` })(target, key);
  };
}

function MinutesLimit(max: number): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({
      type: Number,
      nullable: true,
      minimum: 1,
      maximum: max,
      description: 'minutes; null removes',
    })(target, key);
    ValidateIf((_object, value) => value !== undefined && value !== null)(target, key);
    IsInt()(target, key);
    Min(1)(target, key);
    Max(max)(target, key);
  };
}

/**
 * PUT /users/me/responsible-gaming. A field left out stays as it is; null removes the limit.
 * Stricter values apply at once; looser ones (and removals) wait 24 h and then need confirming.
 */
export class UpdateRgLimitsDto {
  @MoneyLimit() public depositDay?: string | null;
  @MoneyLimit() public depositWeek?: string | null;
  @MoneyLimit() public depositMonth?: string | null;
  @MoneyLimit() public lossDay?: string | null;
  @MoneyLimit() public lossWeek?: string | null;
  @MoneyLimit() public lossMonth?: string | null;
  @MoneyLimit() public wagerDay?: string | null;
  @MoneyLimit() public wagerWeek?: string | null;
  @MoneyLimit() public wagerMonth?: string | null;
  @MinutesLimit(24 * 60) public sessionTimeMinutes?: number | null;
  @MinutesLimit(24 * 60) public realityCheckMinutes?: number | null;

  @ApiPropertyOptional({ description: 'Why, for the record' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  public reason?: string;
}
