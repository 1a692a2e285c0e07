import {
  DomainError,
  EVENT_STREAMS,
  USER_CURRENCY_CHANGED,
  USER_REGISTERED,
  type UserCurrencyChangedEvent,
  type UserRegisteredEvent,
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
import { AppConfig } from '../../config/app-config';
import { WalletService } from './wallet.service';

export const WALLET_USER_CONSUMER = 'wallet-user-registered';
export const WALLET_CURRENCY_CONSUMER = 'wallet-user-currency-changed';

type WalletOpeningEvent = UserRegisteredEvent | UserCurrencyChangedEvent;

/**
 * Opens the player's wallet in their currency when they register, and in the new one when they
 * change currency (allowed only before the first deposit). Redelivery and duplicates are harmless:
 * opening a wallet is idempotent. A wallet in the old currency stays (it holds no money yet).
 */
@Injectable()
export class UserEventsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UserEventsConsumer.name);
  private consumers: DurableConsumer<WalletOpeningEvent>[] = [];

  public constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(NATS_OPTIONS) private readonly natsOptions: NatsOptions,
    private readonly config: AppConfig,
    private readonly wallets: WalletService,
  ) {}

  public onApplicationBootstrap(): void {
    if (!this.config.WALLET_USER_CONSUMER_ENABLED) return;
    this.consumers = [
      this.consume(USER_REGISTERED, WALLET_USER_CONSUMER),
      this.consume(USER_CURRENCY_CHANGED, WALLET_CURRENCY_CONSUMER),
    ];
    for (const consumer of this.consumers) consumer.start();
  }

  public async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
  }

  public async handle(event: WalletOpeningEvent): Promise<void> {
    const { userId, currency } = event.payload;
    try {
      const wallet = await this.wallets.openWallet(userId, currency);
      this.logger.log(
        { userId, walletId: wallet.walletId, eventId: event.id, eventType: event.type },
        'wallet ready for the player',
      );
    } catch (error) {
      // A malformed event will never succeed: record it and let it go instead of redelivering it forever.
      if (!(error instanceof DomainError) || error.category !== 'invalid_input') throw error;
      this.logger.error(
        { eventId: event.id, userId, currency, code: error.code },
        'cannot open a wallet for this event',
      );
    }
  }

  private consume(eventType: string, durableName: string): DurableConsumer<WalletOpeningEvent> {
    return new DurableConsumer<WalletOpeningEvent>(this.connection, {
      stream: EVENT_STREAMS.USER,
      eventType,
      subjectPrefix: this.natsOptions.subjectPrefix,
      durableName,
      handle: (event) => this.handle(event),
    });
  }
}
