import { DomainError } from '@casino/contracts';
import { Body, Controller, Headers, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../../../common/auth/auth.decorators';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { RequirePermission } from '../../../common/auth/staff-permissions';
import { Origin, type RequestOrigin } from '../../../common/http/request-origin';
import { GrantBonusDto } from './dto/grant-bonus.dto';
import { PlayerBonusDto } from './dto/player-bonus.dto';
import { PlayerBonusGrants } from './player-bonus-grants.service';

const MAX_KEY_LENGTH = 120;

/** Staff grant a no-deposit bonus to a player (docs/bonuses.md), audited `bonus.grant`, with a reason. */
@ApiTags('bonus: grants')
@ApiBearerAuth()
@RequirePermission('bonuses.manage')
@Controller('bonus/grants')
export class PlayerBonusGrantsController {
  public constructor(private readonly grants: PlayerBonusGrants) {}

  @Post()
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'Unique per request; a retry reuses it' })
  @ApiCreatedResponse({ type: PlayerBonusDto })
  public async grant(
    @CurrentUser() user: AuthenticatedUser,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: GrantBonusDto,
    @Origin() origin: RequestOrigin,
  ): Promise<PlayerBonusDto> {
    if (!key || key.length > MAX_KEY_LENGTH) {
      throw new DomainError('VALIDATION_FAILED', 'The Idempotency-Key header is required (at most 120 characters)');
    }
    const bonus = await this.grants.grantByStaff(
      { user, origin },
      { templateId: body.templateId, userId: body.userId, reason: body.reason, idempotencyKey: key },
    );
    return PlayerBonusDto.from(bonus);
  }
}
