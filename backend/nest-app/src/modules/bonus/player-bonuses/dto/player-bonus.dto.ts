import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PLAYER_BONUS_STATUSES, type PlayerBonusStatus } from '../player-bonus.state-machine';
import type { PlayerBonus } from '../player-bonus.types';

/** Wagering in integer minor units (strings): a stake counts at its game category's weight, in percent. */
export class BonusWageringDto {
  @ApiProperty({ example: '10000' }) public required!: string;
  @ApiProperty({ example: '2500' }) public done!: string;
  @ApiProperty({ example: '7500' }) public remaining!: string;
}

/** The terms the bonus was granted under: shown before opt-in, never changed after it. */
export class BonusTermsDto {
  @ApiProperty({ example: { slots: 100, table: 10, jackpot: 0 } }) public gameWeights!: Record<string, number>;
  @ApiProperty({ description: 'Weight of a category not listed' }) public defaultWeight!: number;
  @ApiProperty({ description: 'Largest stake accepted while the bonus is active' }) public maxBet!: string;
  @ApiPropertyOptional({ description: 'Most bonus money that can become cash' }) public maxConversion?: string;
  @ApiProperty() public expiresAt!: string;
}

export class PlayerBonusDto {
  @ApiProperty() public id!: string;
  @ApiProperty() public userId!: string;
  @ApiProperty() public templateId!: string;
  @ApiProperty() public name!: string;
  @ApiProperty({ enum: PLAYER_BONUS_STATUSES }) public status!: PlayerBonusStatus;
  @ApiProperty() public currency!: string;
  @ApiProperty({ description: 'Bonus money granted, minor units' }) public amount!: string;
  @ApiProperty({ type: BonusWageringDto }) public wagering!: BonusWageringDto;
  @ApiProperty({ type: BonusTermsDto }) public terms!: BonusTermsDto;
  @ApiProperty() public createdAt!: string;

  public static from(bonus: PlayerBonus): PlayerBonusDto {
    const remaining = bonus.wageringRequired - bonus.wageringDone;
    return {
      id: bonus.id,
      userId: bonus.userId,
      templateId: bonus.templateId,
      name: bonus.templateName,
      status: bonus.status,
      currency: bonus.currency,
      amount: bonus.amount.toString(),
      wagering: {
        required: bonus.wageringRequired.toString(),
        done: bonus.wageringDone.toString(),
        remaining: (remaining > 0n ? remaining : 0n).toString(),
      },
      terms: {
        gameWeights: bonus.gameWeights,
        defaultWeight: bonus.defaultWeight,
        maxBet: bonus.maxBet.toString(),
        ...(bonus.maxConversion !== null ? { maxConversion: bonus.maxConversion.toString() } : {}),
        expiresAt: bonus.expiresAt.toISOString(),
      },
      createdAt: bonus.createdAt.toISOString(),
    };
  }
}

export class PlayerBonusListDto {
  @ApiProperty({ type: [PlayerBonusDto] }) public items!: PlayerBonusDto[];
}
