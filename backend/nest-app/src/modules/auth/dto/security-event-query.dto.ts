import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { SECURITY_EVENT_KINDS, type SecurityEventKind } from '../security-events/security-event.repository';

/** Either one player's events, or events of some kinds since a time (the dashboards' two views). */
export class SecurityEventQueryDto {
  @ApiPropertyOptional({ description: 'One player’s events, newest first' })
  @IsOptional()
  @IsUUID()
  public userId?: string;

  @ApiPropertyOptional({ enum: SECURITY_EVENT_KINDS, isArray: true, description: 'Repeat for several kinds' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value : [value]))
  @IsIn(SECURITY_EVENT_KINDS, { each: true })
  public kind?: SecurityEventKind[];

  @ApiPropertyOptional({ description: 'ISO-8601; default 24 hours ago' })
  @IsOptional()
  @IsISO8601({ strict: true })
  public since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  public limit?: number;
}
