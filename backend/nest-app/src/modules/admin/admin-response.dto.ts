import { ApiProperty } from '@nestjs/swagger';

export class AuditRecordDto {
  @ApiProperty({ format: 'uuid' }) public id!: string;
  @ApiProperty({ format: 'date-time' }) public occurredAt!: Date;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) public actorId!: string | null;
  @ApiProperty({ type: [String] }) public actorRoles!: string[];
  @ApiProperty({ example: 'player.block' }) public action!: string;
  @ApiProperty({ example: 'user' }) public targetType!: string;
  @ApiProperty({ nullable: true, type: String }) public targetId!: string | null;
  @ApiProperty({ nullable: true, type: String }) public ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) public requestId!: string | null;
  @ApiProperty({ type: Object, description: 'reason, before, after and what else the action records' })
  public details!: Record<string, unknown>;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditRecordDto] }) public items!: AuditRecordDto[];
  @ApiProperty({ nullable: true, type: String }) public nextCursor!: string | null;
}

export class SecurityFeedItemDto {
  @ApiProperty({ example: 'auth:7d0f…', description: '`auth:<id>` or `payment:<id>`' }) public id!: string;
  @ApiProperty({ enum: ['auth', 'payment'] }) public source!: string;
  @ApiProperty({ example: 'sign_in.failed' }) public kind!: string;
  @ApiProperty({ format: 'date-time' }) public occurredAt!: Date;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) public userId!: string | null;
  @ApiProperty({ nullable: true, type: String }) public ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) public provider!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) public intentId!: string | null;
  @ApiProperty({ type: Object }) public details!: Record<string, unknown>;
}

export class SecurityFeedPageDto {
  @ApiProperty({ type: [SecurityFeedItemDto] }) public items!: SecurityFeedItemDto[];
  @ApiProperty({ nullable: true, type: String }) public nextCursor!: string | null;
}

export class PendingApprovalsDto {
  @ApiProperty() public adjustments!: number;
  @ApiProperty() public withdrawals!: number;
}

export class DashboardDto {
  @ApiProperty({ type: PendingApprovalsDto }) public pendingApprovals!: PendingApprovalsDto;
  @ApiProperty({ type: [SecurityFeedItemDto] }) public latestSecurityEvents!: SecurityFeedItemDto[];
  @ApiProperty({
    type: Object,
    description: '{ available: false, reason } until the report module binds KpiSource; then its figures',
  })
  public kpis!: Record<string, unknown>;
}
