import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsIP,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import { PageQueryDto } from './shared/page-query.dto';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class StaffMeDto {
  @ApiProperty({ format: 'uuid' }) public userId!: string;
  @ApiProperty({ type: [String] }) public roles!: string[];
  @ApiProperty({ type: [String] }) public permissions!: string[];
}

export class PlayerSearchQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      'id, email (prefix), phone (prefix), Telegram id or name fragment; without `players.pii` only id, whole email, ' +
      'whole phone or Telegram id (403 PLAYER_SEARCH_EXACT_ONLY)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  public q?: string;

  @ApiPropertyOptional({ enum: ['not_started', 'pending', 'verified', 'rejected'] })
  @IsOptional()
  @IsIn(['not_started', 'pending', 'verified', 'rejected'])
  public kycStatus?: string;

  @ApiPropertyOptional({ example: 'DE' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/)
  public country?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  public registeredFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601()
  public registeredTo?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  public blocked?: boolean;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  public selfExcluded?: boolean;
}

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() public actorId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) public action?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) public targetType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) public targetId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() public from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() public to?: string;
}

export class SecurityFeedQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: [String], description: 'repeatable' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @IsString({ each: true })
  public kind?: string[];

  @ApiPropertyOptional({ enum: ['auth', 'payment'] }) @IsOptional() @IsIn(['auth', 'payment']) public source?:
    'auth' | 'payment';
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() public userId?: string;
  @ApiPropertyOptional() @IsOptional() @IsIP() public ip?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() public from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() public to?: string;
}
