import { DomainError, EVENT_STREAMS, USER_REGISTERED, type UserRegisteredEvent } from '@casino/contracts';
import { DurableConsumer, NATS_CONNECTION, NATS_OPTIONS, type NatsOptions } from '@casino/platform';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import type { NatsConnection } from 'nats';
import { AppConfig } from '../../config/app-config';
import { WalletService } from './wallet.service';

export const WALLET_USER_CONSUMER = 'wallet-user-registered';

/** Opens the new player's wallet in their currency; redelivery and duplicates are harmless (idempotent). */
@Injectable()
export class UserRegisteredConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(UserRegisteredConsumer.name);
  private consumer?: DurableConsumer<UserRegisteredEvent>;

  public constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    @Inject(NATS_OPTIONS) private readonly natsOptions: NatsOptions,
    private readonly config: AppConfig,
    private readonly wallets: WalletService,
  ) {}

  public onApplicationBootstrap(): void {
    if (!this.config.WALLET_USER_CONSUMER_ENABLED) return;
    this.consumer = new DurableConsumer<UserRegisteredEvent>(this.connection, {
      stream: EVENT_STREAMS.USER,
      eventType: USER_REGISTERED,
      subjectPrefix: this.natsOptions.subjectPrefix,
      durableName: WALLET_USER_CONSUMER,
      handle: (event) => this.handle(event),
    });
    this.consumer.start();
  }

  public async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  public async handle(event: UserRegisteredEvent): Promise<void> {
    const { userId, currency } = event.payload;
    try {
      const wallet = await this.wallets.openWallet(userId, currency);
      this.logger.log({ userId, walletId: wallet.walletId, eventId: event.id }, 'wallet ready for registered user');
    } catch (error) {
      // A malformed event will never succeed: record it and let it go instead of redelivering it forever.
      if (!(error instanceof DomainError) || error.category !== 'invalid_input') throw error;
      this.logger.error(
        { eventId: event.id, userId, currency, code: error.code },
        'cannot open a wallet for this event',
      );
    }
  }
}
