import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SecurityEventDto {
  @ApiProperty() public id!: string;
  @ApiProperty() public occurredAt!: string;
  @ApiProperty() public kind!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) public userId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) public sessionId!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'A hashed email or a Telegram id' })
  public subject!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) public ip!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) public userAgent!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) public requestId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) public details!: Record<string, unknown>;
}

export class SecurityEventListDto {
  @ApiProperty({ type: [SecurityEventDto] }) public items!: SecurityEventDto[];
}
