import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

export class LaunchGameDto {
  @ApiProperty({ enum: ['real', 'demo'], description: 'demo needs no sign-in and moves no money' })
  @IsIn(['real', 'demo'])
  public mode!: 'real' | 'demo';

  @ApiProperty({ enum: ['desktop', 'mobile'] })
  @IsIn(['desktop', 'mobile'])
  public platform!: 'desktop' | 'mobile';

  @ApiPropertyOptional({ example: 'en', default: 'en' })
  @IsOptional()
  @Matches(/^[a-z]{2}(-[A-Z]{2})?$/)
  public language?: string;
}

export class LaunchGameResponseDto {
  @ApiProperty({ description: 'Where to open the game' })
  public url!: string;

  @ApiProperty({ format: 'uuid' })
  public sessionId!: string;

  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Remind the player of the time played every so many minutes',
  })
  public realityCheckMinutes!: number | null;
}
