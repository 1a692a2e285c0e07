import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { AppConfig } from '../../../config/app-config';
import type { ProviderCredentials } from './provider.types';
import { ProvidersService } from './providers.service';

export const HUB88_PROVIDER_CODE = 'hub88';

/**
 * `HUB88_PUBLIC_KEY_FILE`, `HUB88_API_URL`, `HUB88_OPERATOR_ID` and `HUB88_OPERATOR_PRIVATE_KEY_FILE`,
 * when set, replace the `hub88` provider record's values at start (creating the record if needed),
 * so that an environment (or a test standing in for Hub88) brings its own keys and server.
 */
@Injectable()
export class Hub88Overrides implements OnApplicationBootstrap {
  private readonly logger = new Logger(Hub88Overrides.name);
  private applied: Promise<void> | null = null;

  public constructor(
    private readonly config: AppConfig,
    private readonly providers: ProvidersService,
  ) {}

  public onApplicationBootstrap(): Promise<void> {
    return this.whenApplied();
  }

  /** Resolves once the settings are in the provider record (others wait for it before using the record). */
  public whenApplied(): Promise<void> {
    this.applied ??= this.apply();
    return this.applied;
  }

  private async apply(): Promise<void> {
    const credentials = this.credentials();
    const apiBaseUrl = this.config.HUB88_API_URL;
    if (Object.keys(credentials).length === 0 && apiBaseUrl === undefined) return;
    const actor = { user: null, requestId: 'startup:hub88-settings' };
    const existing = (await this.providers.list()).find((provider) => provider.code === HUB88_PROVIDER_CODE);
    if (existing) {
      await this.providers.update(HUB88_PROVIDER_CODE, { apiBaseUrl, credentials }, actor);
    } else {
      await this.providers.create(
        { code: HUB88_PROVIDER_CODE, name: 'Hub88', protocol: 'hub88', apiBaseUrl: apiBaseUrl ?? null, credentials },
        actor,
      );
    }
    this.logger.log(
      { fields: [...Object.keys(credentials), ...(apiBaseUrl ? ['apiBaseUrl'] : [])] },
      'hub88 provider set from settings',
    );
  }

  private credentials(): ProviderCredentials {
    const credentials: ProviderCredentials = {};
    if (this.config.HUB88_PUBLIC_KEY_FILE)
      credentials.publicKeyPem = readFileSync(this.config.HUB88_PUBLIC_KEY_FILE, 'utf8');
    if (this.config.HUB88_OPERATOR_PRIVATE_KEY_FILE) {
      credentials.operatorPrivateKeyPem = readFileSync(this.config.HUB88_OPERATOR_PRIVATE_KEY_FILE, 'utf8');
    }
    if (this.config.HUB88_OPERATOR_ID) credentials.operatorId = this.config.HUB88_OPERATOR_ID;
    return credentials;
  }
}
