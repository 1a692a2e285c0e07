import { DomainError } from '@casino/contracts';
import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { CancelBonusDto } from './dto/cancel-bonus.dto';
import { PlayerBonusDto } from './dto/player-bonus.dto';
import { PlayerBonusCancels } from './player-bonus-cancels.service';

const MAX_KEY_LENGTH = 120;

/** Staff cancel a player's offered or active bonus (docs/bonuses.md), audited `bonus.cancel`, with a reason. */
@ApiTags('bonus: grants')
@ApiBearerAuth()
@RequirePermission('bonuses.manage')
@Controller('bonus/player-bonuses')
export class PlayerBonusCancelsController {
  public constructor(private readonly cancels: PlayerBonusCancels) {}

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Unique per request; a retry reuses it' })
  @ApiOkResponse({ type: PlayerBonusDto })
  public async cancel(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: CancelBonusDto,
    @Origin() origin: RequestOrigin,
  ): Promise<PlayerBonusDto> {
    if (!key || key.length > MAX_KEY_LENGTH) {
      throw new DomainError('VALIDATION_FAILED', 'The Idempotency-Key header is required (at most 120 characters)');
    }
    const bonus = await this.cancels.cancel(
      { user, origin },
      { bonusId: id, reason: body.reason, idempotencyKey: key },
    );
    return PlayerBonusDto.from(bonus);
  }
}
