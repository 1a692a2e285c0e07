import {
  DomainError,
  EVENT_STREAMS,
  PAYMENT_INTENT_SUCCEEDED,
  isMinorUnitsString,
  type DomainEventEnvelope,
  type PaymentIntentEventV1,
} from '@casino/contracts';
import { DurableConsumer, NATS_CONNECTION, NATS_OPTIONS, type NatsOptions } from '@casino/platform';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { AppConfig } from '../../../config/app-config';
import { PlayerBonusGrants } from '../player-bonuses/player-bonus-grants.service';

export const BONUS_DEPOSIT_MATCH_CONSUMER = 'bonus-deposit-match';

type PaymentSucceeded = DomainEventEnvelope<string, PaymentIntentEventV1>;

/**
 * Deposit-match bonuses from captured deposits (`payment.intent.succeeded`, kind deposit). Redelivery and racing
 * deposits are harmless: a payment grants at most once (its grant key is unique) and a player at most one welcome
 * bonus; a deposit no template matches grants nothing.
 */
@Injectable()
export class DepositMatchConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DepositMatchConsumer.name);
  private consumer: DurableConsumer<PaymentSucceeded> | null = null;

  public constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(NATS_OPTIONS) private readonly natsOptions: NatsOptions,
    private readonly config: AppConfig,
    private readonly grants: PlayerBonusGrants,
  ) {}

  public onApplicationBootstrap(): void {
    if (!this.config.BONUS_DEPOSIT_MATCH_CONSUMER_ENABLED) return;
    this.consumer = new DurableConsumer<PaymentSucceeded>(this.connection, {
      stream: EVENT_STREAMS.PAYMENT,
      eventType: PAYMENT_INTENT_SUCCEEDED,
      subjectPrefix: this.natsOptions.subjectPrefix,
      durableName: BONUS_DEPOSIT_MATCH_CONSUMER,
      handle: (event) => this.handle(event),
    });
    this.consumer.start();
  }

  public async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  public async handle(event: PaymentSucceeded): Promise<void> {
    const { intentId, userId, kind, amount, currency, instrumentFingerprint, deviceFingerprint } = event.payload;
    if (kind !== 'deposit') return;
    if (!isMinorUnitsString(amount)) {
      this.logger.error({ eventId: event.id, intentId }, 'deposit event without a valid amount; no deposit match');
      return;
    }
    try {
      const bonus = await this.grants.grantDepositMatch({
        intentId,
        userId,
        amount: BigInt(amount),
        currency,
        ...(typeof instrumentFingerprint === 'string' ? { instrumentFingerprint } : {}),
        ...(typeof deviceFingerprint === 'string' ? { deviceFingerprint } : {}),
      });
      if (bonus) this.logger.log({ intentId, userId, bonusId: bonus.id }, 'deposit match granted');
    } catch (error) {
      // A malformed event or an unknown player will never succeed: record it and let it go (no endless redelivery).
      const final =
        error instanceof DomainError && (error.category === 'invalid_input' || error.category === 'not_found');
      if (!final) throw error;
      this.logger.error({ eventId: event.id, intentId, code: error.code }, 'cannot match this deposit');
    }
  }
}
