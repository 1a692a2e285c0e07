import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsPositive, IsString, Matches, MaxLength } from 'class-validator';

/** The Telegram Login Widget payload, field names as Telegram sends them. */
export class TelegramWidgetDto {
  @ApiProperty({ example: 279058397 })
  @IsInt()
  @IsPositive()
  public id!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  public first_name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  public last_name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  public username?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  public photo_url?: string;

  @ApiProperty({ example: 1733509682 })
  @IsInt()
  @IsPositive()
  public auth_date!: number;

  @ApiProperty({ description: 'hex HMAC-SHA256' })
  @Matches(/^[0-9a-f]{64}$/i)
  public hash!: string;
}

/** The fields exactly as received, as strings, for the data-check-string. */
export function widgetFields(dto: TelegramWidgetDto): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(dto)) {
    if (value !== undefined && value !== null) fields[key] = String(value);
  }
  return fields;
}
