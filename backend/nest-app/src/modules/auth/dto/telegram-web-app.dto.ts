import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class TelegramWebAppDto {
  @ApiProperty({ description: 'Telegram.WebApp.initData, URL-encoded, as received' })
  @IsString()
  @Length(1, 8192)
  public initData!: string;
}
