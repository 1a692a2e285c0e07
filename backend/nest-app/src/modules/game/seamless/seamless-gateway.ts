import { inSpan, SpanKind } from '@casino/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ProviderProtocol } from '../providers/provider.types';
import { ProvidersService } from '../providers/providers.service';
import type { GameWalletOutcome } from './game-wallet.types';
import {
  SEAMLESS_ADAPTERS,
  WalletCallRejected,
  type AdapterResponse,
  type GatewayCommand,
  type GatewayResult,
  type SeamlessAdapter,
  type WalletCall,
} from './seamless-adapter';
import { SeamlessWalletService } from './seamless-wallet.service';
import { UNPARSABLE_BODY } from './provider-body';
import { walletCallFailureLine } from './wallet-call-failure';
import { countRefusedCall } from './wallet-call-metrics';
import type { GameWalletFailure } from './game-wallet.types';

/**
 * Every provider's wallet calls: find the provider, verify, parse, run the commands, answer in its protocol.
 * The order is fixed: (1) the provider by its code (unknown: no answer, the route's 404), (2) the signature
 * over the raw body bytes, (3) the provider's status, (4) the JSON syntax, (5) the fields. So a call with a
 * bad signature and broken JSON is refused for its signature, and nothing unauthenticated is interpreted.
 */
@Injectable()
export class SeamlessGateway {
  private readonly logger = new Logger(SeamlessGateway.name);

  public constructor(
    private readonly providers: ProvidersService,
    private readonly wallet: SeamlessWalletService,
    @Inject(SEAMLESS_ADAPTERS) private readonly adapters: SeamlessAdapter[],
  ) {}

  /** Null when no active provider of this protocol has the code (the route then answers 404). */
  public async handle(
    protocol: ProviderProtocol,
    providerCode: string,
    call: WalletCall,
  ): Promise<AdapterResponse | null> {
    const adapter = this.adapters.find((candidate) => candidate.protocol === protocol);
    if (!adapter) return null;
    const attributes = { 'game.provider.protocol': protocol, 'game.provider.code': providerCode };
    // The provider's call as one span (`game.wallet transaction/bet`...): the ledger batch it rides in links it.
    return inSpan(`game.wallet ${call.operation}`, { kind: SpanKind.INTERNAL, attributes }, async () => {
      try {
        return await this.answer(adapter, providerCode, call);
      } catch (error) {
        return this.failed(adapter, providerCode, call, error);
      }
    });
  }

  /**
   * The protocol's answer to a call that failed for no business reason (the database unreachable, a timeout, a bug),
   * logged once: Hub88's HTTP 200 `RS_ERROR_UNKNOWN`, which the provider retries or rolls back. Null for a protocol
   * without an adapter.
   */
  public unexpectedFailure(
    protocol: ProviderProtocol,
    providerCode: string,
    call: WalletCall,
    error: unknown,
  ): AdapterResponse | null {
    const adapter = this.adapters.find((candidate) => candidate.protocol === protocol);
    return adapter ? this.failed(adapter, providerCode, call, error) : null;
  }

  private async answer(
    adapter: SeamlessAdapter,
    providerCode: string,
    call: WalletCall,
  ): Promise<AdapterResponse | null> {
    const provider = await this.providers.runtime(providerCode);
    if (!provider || provider.protocol !== adapter.protocol) return null;
    if (!adapter.verify(call, provider)) return this.reject(adapter, call, 'INVALID_SIGNATURE');
    if (provider.status !== 'active') return this.reject(adapter, call, 'PROVIDER_DISABLED');
    if (call.body === UNPARSABLE_BODY) return this.reject(adapter, call, 'INVALID_REQUEST');
    let parsed;
    try {
      parsed = adapter.parse(call, provider);
    } catch (error) {
      if (error instanceof WalletCallRejected) return this.reject(adapter, call, error.failure, error.context);
      throw error;
    }
    const results: GatewayResult[] = [];
    for (const command of parsed.commands) {
      const result = await this.run(command).catch((error: unknown): GatewayResult => {
        this.logFailure(providerCode, call, error);
        return { command, outcome: { ok: false, failure: 'UNKNOWN' } };
      });
      results.push(result);
      if (!result.outcome.ok) {
        countRefusedCall(adapter.protocol, call.operation, result.outcome.failure);
        break;
      }
    }
    return adapter.render(parsed.context, results);
  }

  private reject<TContext>(
    adapter: SeamlessAdapter<TContext>,
    call: WalletCall,
    failure: GameWalletFailure,
    context: TContext | null = null,
  ): AdapterResponse {
    countRefusedCall(adapter.protocol, call.operation, failure);
    return adapter.reject(call, failure, context);
  }

  private failed(adapter: SeamlessAdapter, providerCode: string, call: WalletCall, error: unknown): AdapterResponse {
    this.logFailure(providerCode, call, error);
    return this.reject(adapter, call, 'UNKNOWN');
  }

  private logFailure(providerCode: string, call: WalletCall, error: unknown): void {
    this.logger.error(walletCallFailureLine(providerCode, call.operation, error), 'provider wallet call failed');
  }

  private async run(command: GatewayCommand): Promise<GatewayResult> {
    switch (command.kind) {
      case 'info': {
        const info = await this.wallet.playerInfo(command.userId);
        if (!info) return { command, outcome: { ok: false, failure: 'INVALID_TOKEN' } };
        const balance = await this.wallet.currentBalance(info.userId, info.currency);
        return { command, outcome: { ok: true, replayed: false, ...balance }, info };
      }
      case 'balance':
        return { command, outcome: await this.wallet.balance(command) };
      case 'bet':
        return { command, outcome: await this.wallet.bet(command) };
      case 'win':
        return { command, outcome: await this.wallet.win(command) };
      case 'rollback':
        return { command, outcome: await this.wallet.rollback(command) };
    }
  }
}

export type { GameWalletOutcome };
