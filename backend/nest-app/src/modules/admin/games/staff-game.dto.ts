import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
} from 'class-validator';
import { GameDto, PROVIDER_OWNED_FIELDS, VOLATILITIES, type GameRecord, type Volatility } from '../../game';
import { PageQueryDto } from '../shared/page-query.dto';

export class StaffGameQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'hub88' }) @IsOptional() @IsString() @Length(1, 64) public provider?: string;
  @ApiPropertyOptional({ example: 'slots' }) @IsOptional() @IsString() @Length(1, 64) public category?: string;
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  public enabled?: boolean;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) public search?: string;
}

/** `POST /admin/games`: a game added by hand under a registered provider. */
export class CreateStaffGameDto {
  @ApiProperty({ example: 'hub88' }) @IsString() @Length(1, 64) public providerCode!: string;
  @ApiProperty({ example: 'clt_custom_table' })
  @Matches(/^[A-Za-z0-9_.:-]{1,128}$/)
  public gameCode!: string;

  @ApiProperty({ example: 'House Roulette' }) @IsString() @Length(1, 200) public title!: string;
  @ApiProperty({ example: 'table' }) @IsString() @Length(1, 64) public category!: string;
  @ApiPropertyOptional({ example: '97.30' })
  @IsOptional()
  @Matches(/^\d{1,2}(\.\d{1,2})?$|^100(\.0{1,2})?$/)
  public rtp?: string;

  @ApiPropertyOptional({ enum: VOLATILITIES }) @IsOptional() @IsIn(VOLATILITIES) public volatility?: Volatility;
  @ApiPropertyOptional() @IsOptional() @IsUrl({ protocols: ['https'] }) public thumbnailUrl?: string;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  public tags?: string[];

  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() public enabled?: boolean;
}

export class ResetGameFieldsDto {
  @ApiProperty({ enum: PROVIDER_OWNED_FIELDS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(PROVIDER_OWNED_FIELDS, { each: true })
  public fields!: (typeof PROVIDER_OWNED_FIELDS)[number][];
}

export class StaffGameDto extends GameDto {
  @ApiProperty({ enum: PROVIDER_OWNED_FIELDS, isArray: true, description: 'Kept by the catalogue sync until reset' })
  public staffOwnedFields!: string[];

  public static fromRecord(game: GameRecord): StaffGameDto {
    return { ...GameDto.from(game, true), staffOwnedFields: game.staffOwnedFields };
  }
}

export class StaffGamePageDto {
  @ApiProperty({ type: [StaffGameDto] }) public items!: StaffGameDto[];
  @ApiProperty({ nullable: true, type: String }) public nextCursor!: string | null;
}
