import { isMinorUnitsString } from '@casino/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, ValidateBy } from 'class-validator';
import { PageQueryDto } from '../../shared/page-query.dto';
import type { AdjustmentRequest, AdjustmentStatus } from '../adjustment-request.types';

const STATUSES: AdjustmentStatus[] = ['pending', 'approved', 'rejected', 'failed'];

/** `POST /admin/adjustments`. */
export class CreateAdjustmentRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  public walletId!: string;

  @ApiProperty({ example: '-50000', description: 'Signed integer minor units: positive credits, negative debits' })
  @ValidateBy({
    name: 'signedMinorUnits',
    validator: {
      validate: (value: unknown): boolean => isMinorUnitsString(value) && value !== '0' && value !== '-0',
      defaultMessage: (): string => 'amount must be a non-zero string of integer minor units',
    },
  })
  public amount!: string;

  @ApiPropertyOptional({ enum: ['cash', 'bonus'], default: 'cash' })
  @IsOptional()
  @IsIn(['cash', 'bonus'])
  public balance?: 'cash' | 'bonus';

  @ApiProperty({ example: 'Goodwill for the outage of 3 March' })
  @IsString()
  @Length(1, 500)
  public reason!: string;
}

/** The body of approve and reject: why (required). */
export class AdjustmentDecisionDto {
  @ApiProperty({ example: 'Checked against ticket 4711' })
  @IsString()
  @Length(1, 500)
  public reason!: string;
}

export class AdjustmentListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  public status?: AdjustmentStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  public walletId?: string;
}

export class AdjustmentRequestDto {
  @ApiProperty({ format: 'uuid' }) public id!: string;
  @ApiProperty({ format: 'uuid' }) public walletId!: string;
  @ApiProperty({ format: 'uuid' }) public userId!: string;
  @ApiProperty({ example: 'EUR' }) public currency!: string;
  @ApiProperty({ example: '-50000' }) public amount!: string;
  @ApiProperty({ enum: ['cash', 'bonus'] }) public balance!: 'cash' | 'bonus';
  @ApiProperty() public reason!: string;
  @ApiProperty({ enum: STATUSES }) public status!: AdjustmentStatus;
  @ApiProperty({ format: 'uuid' }) public makerId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) public checkerId!: string | null;
  @ApiProperty({ nullable: true, type: String }) public decisionReason!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) public transactionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) public failureCode!: string | null;
  @ApiProperty({ format: 'date-time' }) public createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) public decidedAt!: string | null;

  public static from(request: AdjustmentRequest): AdjustmentRequestDto {
    return {
      id: request.id,
      walletId: request.walletId,
      userId: request.userId,
      currency: request.currency,
      amount: request.amount.toString(),
      balance: request.balance,
      reason: request.reason,
      status: request.status,
      makerId: request.makerId,
      checkerId: request.checkerId,
      decisionReason: request.decisionReason,
      transactionId: request.transactionId,
      failureCode: request.failureCode,
      createdAt: request.createdAt.toISOString(),
      decidedAt: request.decidedAt?.toISOString() ?? null,
    };
  }
}

export class AdjustmentRequestPageDto {
  @ApiProperty({ type: [AdjustmentRequestDto] }) public items!: AdjustmentRequestDto[];
  @ApiProperty({ nullable: true, type: String }) public nextCursor!: string | null;
}
