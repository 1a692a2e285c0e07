import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VOLATILITIES, type GameRecord, type Volatility } from '../game.types';

export class GameDto {
  @ApiProperty({ format: 'uuid' })
  public id!: string;

  @ApiProperty({ example: 'hub88' })
  public provider!: string;

  @ApiProperty({ example: 'clt_dragonrising' })
  public gameCode!: string;

  @ApiProperty()
  public title!: string;

  @ApiProperty({ example: 'slots' })
  public category!: string;

  @ApiProperty({ nullable: true, type: String, example: '96.50', description: 'Percent, two decimals' })
  public rtp!: string | null;

  @ApiProperty({ nullable: true, enum: VOLATILITIES })
  public volatility!: Volatility | null;

  @ApiProperty({ type: [String] })
  public features!: string[];

  @ApiProperty({ nullable: true, type: String })
  public thumbnailUrl!: string | null;

  @ApiProperty({ type: [String] })
  public tags!: string[];

  @ApiProperty()
  public demoAvailable!: boolean;

  @ApiProperty({ type: [String], description: 'ISO 3166 countries where the game may not be played' })
  public blockedCountries!: string[];

  @ApiPropertyOptional({ description: 'Staff views only' })
  public enabled?: boolean;

  @ApiPropertyOptional({ description: 'Staff views only' })
  public popularity?: number;

  public static from(game: GameRecord, staff = false): GameDto {
    return {
      id: game.id,
      provider: game.providerCode,
      gameCode: game.gameCode,
      title: game.title,
      category: game.category,
      rtp: game.rtp,
      volatility: game.volatility,
      features: game.features,
      thumbnailUrl: game.thumbnailUrl,
      tags: game.tags,
      demoAvailable: game.demoAvailable,
      blockedCountries: game.blockedCountries,
      ...(staff ? { enabled: game.enabled, popularity: game.popularity } : {}),
    };
  }
}

export class GamePageDto {
  @ApiProperty({ type: [GameDto] })
  public items!: GameDto[];

  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last page' })
  public nextCursor?: string;
}
