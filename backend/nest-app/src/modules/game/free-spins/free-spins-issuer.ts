import { DomainError } from '@casino/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { FreeSpinsIssuers, type FreeSpinsIssuer, type FreeSpinsOrder } from '../../bonus';
import { Hub88FreebetsClient } from '../hub88/hub88-freebets.client';
import { ProvidersService } from '../providers/providers.service';

/**
 * The bonus engine's free-spins port, by the provider's protocol: Hub88 (and the demo provider, which speaks it)
 * through its Freebets API. A protocol without a free-bet API refuses the grant.
 */
@Injectable()
export class ProviderFreeSpinsIssuer implements FreeSpinsIssuer, OnModuleInit {
  public constructor(
    private readonly issuers: FreeSpinsIssuers,
    private readonly providers: ProvidersService,
    private readonly hub88: Hub88FreebetsClient,
  ) {}

  public onModuleInit(): void {
    this.issuers.register(this);
  }

  public async issue(order: FreeSpinsOrder): Promise<{ rewardUuid: string }> {
    const provider = await this.providers.runtime(order.providerCode);
    if (!provider || provider.status !== 'active') {
      throw new DomainError('BONUS_NOT_GRANTABLE', 'The free spins provider is unknown or disabled', {
        reason: 'provider_unavailable',
        provider: order.providerCode,
      });
    }
    if (provider.protocol !== 'hub88') {
      throw new DomainError('BONUS_NOT_GRANTABLE', 'The provider has no free-bet API', {
        reason: 'no_free_bet_api',
        provider: order.providerCode,
      });
    }
    return this.hub88.createReward(provider, order);
  }
}
