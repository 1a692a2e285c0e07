import { ApiPropertyOptional } from '@nestjs/swagger';
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
import { PROVIDER_STATUSES, type ProviderStatus } from '../provider.types';
import { ProviderCredentialsDto } from './provider-credentials.dto';

export class UpdateProviderDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  public name?: string;

  @ApiPropertyOptional({ enum: PROVIDER_STATUSES })
  @IsOptional()
  @IsIn(PROVIDER_STATUSES)
  public status?: ProviderStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  public apiBaseUrl?: string;

  @ApiPropertyOptional({ example: ['EUR'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(/^[A-Z]{3}$/, { each: true })
  public currencies?: string[];

  @ApiPropertyOptional({ type: ProviderCredentialsDto, description: 'Replaces the named secrets; write-only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProviderCredentialsDto)
  public credentials?: ProviderCredentialsDto;
}
