import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { FreeSpinsIssuer, FreeSpinsOrder } from './free-spins.types';

/**
 * Where free-spin orders go: the game module registers its issuer at start (it depends on this module, not the
 * other way round), so the bonus engine never knows a provider protocol.
 */
@Injectable()
export class FreeSpinsIssuers {
  private issuer: FreeSpinsIssuer | null = null;

  public register(issuer: FreeSpinsIssuer): void {
    this.issuer = issuer;
  }

  public issue(order: FreeSpinsOrder): Promise<{ rewardUuid: string }> {
    if (!this.issuer) {
      throw new DomainError('GAME_PROVIDER_UNAVAILABLE', 'No free-spins integration is registered', {
        provider: order.providerCode,
        reason: 'no_free_spins_issuer',
      });
    }
    return this.issuer.issue(order);
  }
}
