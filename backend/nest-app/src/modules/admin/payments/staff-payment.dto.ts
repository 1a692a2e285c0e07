import { isMinorUnitsString } from '@casino/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, ValidateBy } from 'class-validator';
import { PageQueryDto } from '../shared/page-query.dto';

const STATUSES = [
  'requires_payment_method',
  'requires_action',
  'processing',
  'requires_capture',
  'succeeded',
  'canceled',
  'failed',
];

const minorUnits = ValidateBy({
  name: 'minorUnits',
  validator: {
    validate: (value: unknown): boolean => isMinorUnitsString(value) && !String(value).startsWith('-'),
    defaultMessage: (): string => 'must be a string of non-negative integer minor units',
  },
});

export class StaffPaymentQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) public status?: string;
  @ApiPropertyOptional({ enum: ['deposit', 'withdrawal'] })
  @IsOptional()
  @IsIn(['deposit', 'withdrawal'])
  public type?: 'deposit' | 'withdrawal';

  @ApiPropertyOptional({ example: 'sandbox' }) @IsOptional() @IsString() @Length(1, 64) public provider?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() public userId?: string;
  @ApiPropertyOptional({ example: '1000' }) @IsOptional() @minorUnits public minAmount?: string;
  @ApiPropertyOptional({ example: '500000' }) @IsOptional() @minorUnits public maxAmount?: string;
  @ApiPropertyOptional({ example: 'EUR' }) @IsOptional() @Matches(/^[A-Z]{3}$/) public currency?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() public from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() public to?: string;
}

export class StaffPaymentDto {
  @ApiProperty({ format: 'uuid' }) public id!: string;
  @ApiProperty({ format: 'uuid' }) public userId!: string;
  @ApiProperty({ enum: ['deposit', 'withdrawal'] }) public type!: string;
  @ApiProperty({ enum: STATUSES }) public status!: string;
  @ApiProperty() public provider!: string;
  @ApiProperty({ example: '2500' }) public amount!: string;
  @ApiProperty({ example: 'EUR' }) public currency!: string;
  @ApiProperty({ nullable: true, type: String }) public providerReference!: string | null;
  @ApiProperty() public approvalRequired!: boolean;
  @ApiProperty({ nullable: true, type: String }) public approvedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) public createdAt!: Date;
  @ApiProperty({ format: 'date-time' }) public updatedAt!: Date;
}

export class StaffPaymentPageDto {
  @ApiProperty({ type: [StaffPaymentDto] }) public items!: StaffPaymentDto[];
  @ApiProperty({ nullable: true, type: String }) public nextCursor!: string | null;
}

/** `POST /admin/payments/:id/refund`: the whole deposit, or `amount` of it (then with an Idempotency-Key). */
export class RefundRequestDto {
  @ApiProperty({ example: 'Chargeback fraud, ticket 4711' })
  @IsString()
  @Length(3, 500)
  public reason!: string;

  @ApiPropertyOptional({
    example: '1500',
    description:
      'Integer minor units as a string, at most what is left to refund (captured minus refunded and pending refunds); ' +
      'without it the whole deposit (no Idempotency-Key) or all that is left (with one)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[1-9]\d{0,17}$/, { message: 'amount must be a string of positive integer minor units' })
  public amount?: string;
}

export class StaffRefundDto {
  @ApiProperty({ format: 'uuid' }) public id!: string;
  @ApiProperty({ format: 'uuid' }) public intentId!: string;
  @ApiProperty({ format: 'uuid' }) public userId!: string;
  @ApiProperty({ example: '2500' }) public amount!: string;
  @ApiProperty({ example: 'EUR' }) public currency!: string;
  @ApiProperty({ enum: ['pending', 'succeeded', 'failed'] }) public status!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) public holdId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) public walletTransactionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) public providerReference!: string | null;
  @ApiProperty({ nullable: true, type: String }) public failureCode!: string | null;
  @ApiProperty({ format: 'uuid' }) public staffId!: string;
  @ApiProperty() public reason!: string;
  @ApiProperty({ format: 'date-time' }) public createdAt!: string;
}
