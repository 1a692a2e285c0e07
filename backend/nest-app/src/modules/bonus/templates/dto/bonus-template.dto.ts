import { isMinorUnitsString } from '@casino/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { BONUS_KINDS, type BonusKind } from '../bonus-template.types';

/** Integer minor units as a decimal string (no sign, no leading zero), as every amount of the API. */
function IsMinorUnits(): PropertyDecorator {
  return ValidateBy({
    name: 'minorUnits',
    validator: {
      validate: (value: unknown): boolean => isMinorUnitsString(value) && !String(value).startsWith('-'),
      defaultMessage: (args): string => `${args?.property ?? 'value'} must be a string of integer minor units`,
    },
  });
}

/**
 * `POST /bonus/templates`: shapes only; the jurisdiction rules (GB 10x, one product type) answer 422
 * BONUS_TERMS_INVALID from the service.
 */
export class CreateBonusTemplateDto {
  @ApiProperty({ example: 'Welcome 100 % up to £100' })
  @IsString()
  @Length(1, 120)
  public name!: string;

  @ApiProperty({ enum: BONUS_KINDS })
  @IsIn(BONUS_KINDS)
  public kind!: BonusKind;

  @ApiProperty({ example: ['casino'], description: 'Exactly one of casino, betting, bingo (LCCP SR 5.1.1)' })
  @IsArray()
  @ArrayMaxSize(3)
  @IsString({ each: true })
  @MaxLength(16, { each: true })
  public productTypes!: string[];

  @ApiProperty({ example: 'GBP' })
  @Matches(/^[A-Z]{3}$/)
  public currency!: string;

  @ApiPropertyOptional({ example: 100, description: 'Deposit match: percent of the deposit' })
  @IsOptional()
  @IsInt()
  public matchPercent?: number;

  @ApiPropertyOptional({ example: '10000', description: 'Deposit match: the bonus cap, minor units' })
  @IsOptional()
  @IsMinorUnits()
  public maxBonus?: string;

  @ApiPropertyOptional({ example: '1000', description: 'Deposit match: the smallest qualifying deposit' })
  @IsOptional()
  @IsMinorUnits()
  public minDeposit?: string;

  @ApiPropertyOptional({ example: '500', description: 'No-deposit: the bonus amount' })
  @IsOptional()
  @IsMinorUnits()
  public amount?: string;

  @ApiPropertyOptional({ example: 'demo', description: 'Free spins: the game provider (its code)' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/)
  public providerCode?: string;

  @ApiPropertyOptional({ example: 'demo_lucky_sevens', description: 'Free spins: the game (its code at the provider)' })
  @IsOptional()
  @IsString()
  @Length(1, 150)
  public gameCode?: string;

  @ApiPropertyOptional({ example: 20, description: 'Free spins: how many (1-1000)' })
  @IsOptional()
  @IsInt()
  public spinCount?: number;

  @ApiPropertyOptional({ example: '20', description: 'Free spins: the bet value of each spin, minor units' })
  @IsOptional()
  @IsMinorUnits()
  public spinValue?: string;

  @ApiPropertyOptional({ example: 10, description: 'Cashback: percent of the net cash losses of a period' })
  @IsOptional()
  @IsInt()
  public cashbackPercent?: number;

  @ApiPropertyOptional({ example: 7, description: 'Cashback: the period, in days (1-31, aligned on 1970-01-01)' })
  @IsOptional()
  @IsInt()
  public periodDays?: number;

  @ApiProperty({ example: 10, description: 'Multiple of the bonus to wager; at most 10 where GB players qualify' })
  @IsInt()
  public wageringMultiplier!: number;

  @ApiProperty({ example: { slots: 100, table: 10, jackpot: 0 }, description: 'Percent by game category' })
  @IsObject()
  public gameWeights!: Record<string, number>;

  @ApiProperty({ example: 0, description: 'Percent for a category not in gameWeights' })
  @IsInt()
  public defaultWeight!: number;

  @ApiProperty({ example: '500', description: 'Largest stake accepted while wagering' })
  @IsMinorUnits()
  public maxBet!: string;

  @ApiProperty({ example: 30 })
  @IsInt()
  public validityDays!: number;

  @ApiPropertyOptional({ example: '20000', description: 'Most that converts to cash; no cap when absent' })
  @IsOptional()
  @IsMinorUnits()
  public maxConversion?: string;

  @ApiProperty({ example: ['GB'], description: 'ISO 3166-1 alpha-2; empty = every country' })
  @IsArray()
  @ArrayMaxSize(250)
  @IsString({ each: true })
  public eligibleCountries!: string[];

  @ApiProperty({ example: true, description: 'The player must opt in (terms shown first)' })
  @IsBoolean()
  public optIn!: boolean;
}

export class BonusTemplateDto {
  @ApiProperty() public id!: string;
  @ApiProperty() public name!: string;
  @ApiProperty({ enum: BONUS_KINDS }) public kind!: BonusKind;
  @ApiProperty() public productType!: string;
  @ApiProperty() public currency!: string;
  @ApiPropertyOptional() public matchPercent?: number;
  @ApiPropertyOptional() public maxBonus?: string;
  @ApiPropertyOptional() public minDeposit?: string;
  @ApiPropertyOptional() public amount?: string;
  @ApiPropertyOptional() public providerCode?: string;
  @ApiPropertyOptional() public gameCode?: string;
  @ApiPropertyOptional() public spinCount?: number;
  @ApiPropertyOptional() public spinValue?: string;
  @ApiPropertyOptional() public cashbackPercent?: number;
  @ApiPropertyOptional() public periodDays?: number;
  @ApiProperty() public wageringMultiplier!: number;
  @ApiProperty() public gameWeights!: Record<string, number>;
  @ApiProperty() public defaultWeight!: number;
  @ApiProperty() public maxBet!: string;
  @ApiProperty() public validityDays!: number;
  @ApiPropertyOptional() public maxConversion?: string;
  @ApiProperty() public eligibleCountries!: string[];
  @ApiProperty() public optIn!: boolean;
  @ApiProperty() public createdAt!: string;
  @ApiPropertyOptional({ nullable: true }) public retiredAt!: string | null;
}

export class BonusTemplateListDto {
  @ApiProperty({ type: [BonusTemplateDto] }) public items!: BonusTemplateDto[];
}
