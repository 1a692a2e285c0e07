import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, ValidateNested } from 'class-validator';
import { CHANNELS, TOPICS, type Channel, type Topic } from '../consent-types';

export class PreferenceDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  public channel!: Channel;

  @ApiProperty({ enum: TOPICS })
  @IsIn(TOPICS)
  public topic!: Topic;

  @ApiProperty()
  @IsBoolean()
  public enabled!: boolean;
}

/** GET and PUT /users/me/notification-preferences: one entry per channel and topic (PUT: only those to change). */
export class NotificationPreferencesDto {
  @ApiProperty({ type: [PreferenceDto] })
  @ValidateNested({ each: true })
  @Type(() => PreferenceDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(CHANNELS.length * TOPICS.length)
  public preferences!: PreferenceDto[];
}
