import { DomainError } from '@casino/contracts';
import { Injectable, Logger } from '@nestjs/common';
import type { FreeSpinsOrder } from '../../bonus';
import type { ProviderRuntime } from '../providers/provider.types';
import { minorToHub88 } from './hub88-amount';
import { postToHub88 } from './hub88-operator-api';

const UNAVAILABLE = 'The game provider did not create the free spins';

/**
 * Hub88's Operator Freebets API (docs/bonuses.md "Free spins"): `POST /operator/generic/v2/freebet/prepaids/list`
 * for the game's prepaid in the currency, then `/freebet/rewards/create` with the player, the prepaid, the bet value
 * and count, start and end (Hub88: always set both) and our reward id as `reference`; each body signed with our key.
 */
@Injectable()
export class Hub88FreebetsClient {
  private readonly logger = new Logger(Hub88FreebetsClient.name);

  public async createReward(provider: ProviderRuntime, order: FreeSpinsOrder): Promise<{ rewardUuid: string }> {
    const operatorId = Number(provider.operatorId ?? '0');
    const betValue = minorToHub88(order.spinValue, order.currency);
    const prepaids = await this.post(provider, '/operator/generic/v2/freebet/prepaids/list', {
      operator_id: operatorId,
      game_code: order.gameCode,
    });
    const prepaid = (Array.isArray(prepaids) ? (prepaids as Record<string, unknown>[]) : []).find(
      (candidate) =>
        candidate['game_code'] === order.gameCode &&
        candidate['currency'] === order.currency &&
        (candidate['bet_value'] === null || candidate['bet_value'] === betValue) &&
        (candidate['bet_count'] === null || candidate['bet_count'] === order.spinCount),
    );
    const prepaidUuid = prepaid?.['prepaid_uuid'];
    if (typeof prepaidUuid !== 'string') throw unavailable(provider, 'no prepaid for this game, value and count');
    const reward = (await this.post(provider, '/operator/generic/v2/freebet/rewards/create', {
      user: order.userId,
      operator_id: operatorId,
      prepaid_uuid: prepaidUuid,
      game_code: order.gameCode,
      currency: order.currency,
      bet_value: betValue,
      bet_count: order.spinCount,
      start_time: hub88Time(order.startsAt),
      end_time: hub88Time(order.endsAt),
      reference: order.reference,
    })) as Record<string, unknown> | null;
    const rewardUuid = reward?.['reward_uuid'];
    if (typeof rewardUuid !== 'string' || rewardUuid.length === 0) throw unavailable(provider, 'no reward_uuid');
    return { rewardUuid };
  }

  private post(provider: ProviderRuntime, path: string, payload: Record<string, unknown>): Promise<unknown> {
    return postToHub88(provider, path, payload, { api: 'freebets API', failure: UNAVAILABLE, logger: this.logger });
  }
}

/** ISO 8601 extended without zone or fraction, as Hub88's examples (`2017-11-05T13:15:30`, UTC). */
function hub88Time(at: Date): string {
  return at.toISOString().slice(0, 19);
}

function unavailable(provider: ProviderRuntime, reason: string): DomainError {
  return new DomainError('GAME_PROVIDER_UNAVAILABLE', UNAVAILABLE, {
    provider: provider.code,
    reason,
  });
}
