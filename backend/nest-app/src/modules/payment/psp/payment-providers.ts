import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { PROVIDER_NAMES, type PaymentProvider, type ProviderName } from './payment-provider';
import { SandboxProvider } from './sandbox.provider';
import { StripeProvider } from './stripe.provider';

export function isProviderName(value: string): value is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value);
}

function secretsOf(value: string | undefined): string[] {
  return (value ?? '').split(',').filter((secret) => secret.length > 0);
}

/** The configured providers: Stripe when its key is set, the sandbox PSP outside production. */
@Injectable()
export class PaymentProviders {
  private readonly providers = new Map<ProviderName, PaymentProvider>();

  public constructor(config: AppConfig) {
    const toleranceSeconds = config.PAYMENT_WEBHOOK_TOLERANCE_SECONDS;
    if (config.STRIPE_API_KEY) {
      const webhookSecrets = secretsOf(config.STRIPE_WEBHOOK_SECRET);
      this.register(
        new StripeProvider({
          apiKey: config.STRIPE_API_KEY,
          apiUrl: config.STRIPE_API_URL,
          webhookSecrets,
          toleranceSeconds,
        }),
      );
    }
    if (!config.isProduction) {
      const webhookSecrets = secretsOf(config.SANDBOX_PSP_WEBHOOK_SECRET);
      this.register(
        new SandboxProvider({
          apiKey: config.SANDBOX_PSP_API_KEY,
          apiUrl: config.SANDBOX_PSP_URL,
          webhookSecrets,
          toleranceSeconds,
        }),
      );
    }
  }

  /** Replaces or adds a provider (tests stand a fake in). */
  public register(provider: PaymentProvider): void {
    this.providers.set(provider.name, provider);
  }

  public get(name: string): PaymentProvider {
    const provider = isProviderName(name) ? this.providers.get(name) : undefined;
    if (!provider)
      throw new DomainError('PAYMENT_PROVIDER_UNKNOWN', 'This payment provider is not available', { provider: name });
    return provider;
  }

  public all(): PaymentProvider[] {
    return [...this.providers.values()];
  }
}
