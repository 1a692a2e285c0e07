import { ApiProperty } from '@nestjs/swagger';
import {
  PROVIDER_PROTOCOLS,
  PROVIDER_STATUSES,
  type ProviderProtocol,
  type ProviderRecord,
  type ProviderStatus,
} from '../provider.types';

export class ProviderDto {
  @ApiProperty({ format: 'uuid' })
  public id!: string;

  @ApiProperty()
  public code!: string;

  @ApiProperty()
  public name!: string;

  @ApiProperty({ enum: PROVIDER_PROTOCOLS })
  public protocol!: ProviderProtocol;

  @ApiProperty({ enum: PROVIDER_STATUSES })
  public status!: ProviderStatus;

  @ApiProperty({ nullable: true, type: String })
  public apiBaseUrl!: string | null;

  @ApiProperty({ type: [String] })
  public currencies!: string[];

  @ApiProperty({ type: [String], description: 'Which secrets are set (never their values)' })
  public credentialKeys!: string[];

  @ApiProperty()
  public updatedAt!: string;

  public static from(record: ProviderRecord): ProviderDto {
    return {
      id: record.id,
      code: record.code,
      name: record.name,
      protocol: record.protocol,
      status: record.status,
      apiBaseUrl: record.apiBaseUrl,
      currencies: record.currencies,
      credentialKeys: record.credentialKeys,
      updatedAt: record.updatedAt.toISOString(),
    };
  }
}

export class ProviderListDto {
  @ApiProperty({ type: [ProviderDto] })
  public items!: ProviderDto[];
}
