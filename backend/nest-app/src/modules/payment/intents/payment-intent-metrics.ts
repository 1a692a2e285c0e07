import { counterOf, scrapedGauge } from '@casino/platform';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PaymentIntentRepository } from './payment-intent.repository';
import type { PaymentIntent } from './payment-intent.types';

const statuses = counterOf(
  'payment_intent_statuses_total',
  'Payment intents created or moved into a status (counted in the writing transaction), by provider, kind and status',
  ['provider', 'kind', 'status'],
);

export function countIntentStatus(intent: Pick<PaymentIntent, 'provider' | 'kind' | 'status'>): void {
  statuses.inc({ provider: intent.provider, kind: intent.kind, status: intent.status });
}

/** `payment_intents_open{provider,kind,status}`: intents not in a final status, read when Prometheus scrapes. */
@Injectable()
export class PaymentIntentGauges implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PaymentIntentGauges.name);
  private dispose?: () => void;

  public constructor(private readonly intents: PaymentIntentRepository) {}

  public onModuleInit(): void {
    this.dispose = scrapedGauge({
      name: 'payment_intents_open',
      help: 'Payment intents not in a final status (succeeded, canceled, failed), by provider, kind and status',
      labelNames: ['provider', 'kind', 'status'],
      onError: (error) => this.logger.debug({ err: error }, 'open payment intents not counted'),
      read: async (gauge) => {
        const rows = await this.intents.countOpen();
        gauge.reset();
        for (const row of rows) gauge.set({ provider: row.provider, kind: row.kind, status: row.status }, row.count);
      },
    }).dispose;
  }

  public onModuleDestroy(): void {
    this.dispose?.();
  }
}
