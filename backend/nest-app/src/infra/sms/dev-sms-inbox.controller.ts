import { DevSmsInbox, type DevSmsMessage } from '@casino/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { Public } from '../../common/auth/auth.decorators';

class DevSmsInboxQuery {
  @ApiPropertyOptional({ example: '+4915112345678' })
  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/)
  public to?: string;
}

/**
 * What worker-etl's development SMS sink stored in Redis (same `REDIS_KEY_PREFIX`). Mounted only in development,
 * or with DEV_SMS_INBOX_ENABLED=true outside production (see DevSmsInboxModule).
 */
@ApiTags('dev')
@Controller('dev/sms-inbox')
export class DevSmsInboxController {
  public constructor(private readonly inbox: DevSmsInbox) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'SMS messages the development sink received (development only)' })
  @ApiOkResponse({ description: 'Newest first' })
  public list(@Query() query: DevSmsInboxQuery): Promise<DevSmsMessage[]> {
    return this.inbox.list(query.to);
  }
}
