import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import {
  PROVIDER_CODE_PATTERN,
  PROVIDER_PROTOCOLS,
  PROVIDER_STATUSES,
  type ProviderProtocol,
  type ProviderStatus,
} from '../provider.types';
import { ProviderCredentialsDto } from './provider-credentials.dto';

export class CreateProviderDto {
  @ApiProperty({ example: 'hub88', pattern: PROVIDER_CODE_PATTERN.source })
  @Matches(PROVIDER_CODE_PATTERN)
  public code!: string;

  @ApiProperty({ example: 'Hub88' })
  @IsString()
  @Length(1, 100)
  public name!: string;

  @ApiProperty({ enum: PROVIDER_PROTOCOLS })
  @IsIn(PROVIDER_PROTOCOLS)
  public protocol!: ProviderProtocol;

  @ApiPropertyOptional({ enum: PROVIDER_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(PROVIDER_STATUSES)
  public status?: ProviderStatus;

  @ApiPropertyOptional({ example: 'https://api.server1.ih.testenv.io' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public apiBaseUrl?: string;

  @ApiPropertyOptional({ example: ['EUR', 'USD'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(/^[A-Z]{3}$/, { each: true })
  public currencies?: string[];

  @ApiPropertyOptional({ type: ProviderCredentialsDto, description: 'Write-only; encrypted at rest' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProviderCredentialsDto)
  public credentials?: ProviderCredentialsDto;
}
