import { isKnownCurrency } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { ProviderRuntime } from '../providers/provider.types';
import type { GameWalletFailure, ProviderRef } from '../seamless/game-wallet.types';
import {
  WalletCallRejected,
  type AdapterResponse,
  type GatewayCommand,
  type GatewayResult,
  type ParsedCall,
  type SeamlessAdapter,
  type WalletCall,
} from '../seamless/seamless-adapter';
import { Hub88AmountError, hub88ToMinor, minorToHub88 } from './hub88-amount';
import {
  Hub88ParseError,
  parseBalance,
  parseBet,
  parseRollback,
  parseUserInfo,
  parseWin,
  requestUuidOf,
  type Hub88BetRequest,
} from './hub88-request';
import { HUB88_SIGNATURE_HEADER, verifyHub88 } from './hub88-signature';
import { HUB88_STATUS_OF_FAILURE } from './hub88-status';

export const HUB88_OPERATIONS = [
  'user/info',
  'user/balance',
  'transaction/bet',
  'transaction/win',
  'transaction/rollback',
] as const;
export type Hub88Operation = (typeof HUB88_OPERATIONS)[number];

interface Hub88Context {
  /** Null when the body has none to echo (missing, or the JSON is broken): answered as `request_uuid: null`. */
  requestUuid: string | null;
  user: string | null;
}

/**
 * Hub88's seamless wallet (reference §1–§5): RSA-SHA256 over the raw body, HTTP 200 with a `status`
 * for every business outcome, amounts ×100000, `request_uuid` echoed.
 */
@Injectable()
export class Hub88Adapter implements SeamlessAdapter<Hub88Context> {
  public readonly protocol = 'hub88' as const;

  public verify(call: WalletCall, provider: ProviderRuntime): boolean {
    const header = call.headers[HUB88_SIGNATURE_HEADER];
    const signature = Array.isArray(header) ? header[0] : header;
    return (
      provider.publicKey !== null &&
      call.rawBody !== undefined &&
      verifyHub88(call.rawBody, signature, provider.publicKey)
    );
  }

  public parse(call: WalletCall, provider: ProviderRuntime): ParsedCall<Hub88Context> {
    const ref: ProviderRef = { id: provider.id, code: provider.code };
    const context: Hub88Context = { requestUuid: requestUuidOf(call.body), user: userOf(call.body) };
    try {
      return { context, commands: [this.command(call.operation as Hub88Operation, call.body, ref)] };
    } catch (error) {
      if (error instanceof Hub88ParseError) {
        throw new WalletCallRejected<Hub88Context>(
          error.status === 'RS_ERROR_WRONG_TYPES' ? 'AMOUNT_NOT_EXACT' : 'INVALID_REQUEST',
          context,
        );
      }
      if (error instanceof Hub88AmountError) throw new WalletCallRejected<Hub88Context>('AMOUNT_NOT_EXACT', context);
      if (error instanceof WalletCallRejected) throw error;
      throw error;
    }
  }

  public render(context: Hub88Context, results: GatewayResult[]): AdapterResponse {
    const last = results[results.length - 1];
    if (!last) return this.answer(context, 'UNKNOWN');
    const { outcome, info } = last;
    if (!outcome.ok) {
      const balance = outcome.balance;
      return this.answer(
        context,
        outcome.failure,
        balance ? { currency: balance.currency, balance: minorToHub88(balance.balance, balance.currency) } : {},
      );
    }
    if (info) {
      return ok({
        user: context.user,
        status: 'RS_OK',
        request_uuid: context.requestUuid,
        // §7.2 expects a 2-letter country; XX (unknown) until the player has set one.
        country: info.country ?? 'XX',
        currency: info.currency,
        ...(info.birthDate ? { birth_date: info.birthDate } : {}),
        registration_date: info.registeredAt.toISOString().slice(0, 10),
      });
    }
    return ok({
      user: outcome.userId,
      status: 'RS_OK',
      request_uuid: context.requestUuid,
      currency: outcome.currency,
      balance: minorToHub88(outcome.balance, outcome.currency),
    });
  }

  public reject(call: WalletCall, failure: GameWalletFailure, context: Hub88Context | null): AdapterResponse {
    return this.answer(context ?? { requestUuid: requestUuidOf(call.body), user: userOf(call.body) }, failure);
  }

  private answer(
    context: Hub88Context,
    failure: GameWalletFailure,
    extra: Record<string, unknown> = {},
  ): AdapterResponse {
    return ok({
      status: HUB88_STATUS_OF_FAILURE[failure],
      request_uuid: context.requestUuid,
      ...(context.user ? { user: context.user } : {}),
      ...extra,
    });
  }

  private command(operation: Hub88Operation, body: unknown, provider: ProviderRef): GatewayCommand {
    switch (operation) {
      case 'user/info':
        return { kind: 'info', userId: parseUserInfo(body).user };
      case 'user/balance': {
        const request = parseBalance(body);
        return {
          kind: 'balance',
          provider,
          token: request.token,
          userId: request.user,
          checkExpiry: true,
          gameCode: request.gameCode,
        };
      }
      case 'transaction/bet': {
        const request = parseBet(body);
        return { kind: 'bet', ...this.moneyFields(request, provider, true), gameCode: request.gameCode };
      }
      case 'transaction/win': {
        const request = parseWin(body);
        return {
          kind: 'win',
          ...this.moneyFields(request, provider, false),
          referenceTransactionId: request.referenceTransactionUuid,
        };
      }
      case 'transaction/rollback': {
        const request = parseRollback(body);
        return {
          kind: 'rollback',
          provider,
          token: request.token,
          userId: request.user,
          checkExpiry: false,
          transactionId: request.transactionUuid,
          referenceTransactionId: request.referenceTransactionUuid,
          gameCode: request.gameCode,
          round: request.round,
          roundClosed: request.roundClosed,
          details: detailsOf(request.requestUuid, request.supplierTransactionId, request.meta, null),
        };
      }
    }
  }

  private moneyFields(request: Hub88BetRequest, provider: ProviderRef, isBet: boolean) {
    if (!isKnownCurrency(request.currency))
      throw new WalletCallRejected<Hub88Context>('WRONG_CURRENCY', {
        requestUuid: request.requestUuid,
        user: request.user,
      });
    return {
      provider,
      token: request.token,
      userId: request.user,
      // Wins and rollbacks may come after the session ended (§4.9); bets may not.
      checkExpiry: isBet,
      transactionId: request.transactionUuid,
      gameCode: request.gameCode,
      currency: request.currency,
      amount: hub88ToMinor(request.amount, request.currency),
      round: request.round,
      roundClosed: request.roundClosed,
      // A supplier promo implies is_free (§2); so does a Freebets reward (docs/bonuses.md "Free spins").
      isFree: request.isFree || request.isSupplierPromo || request.rewardUuid !== null,
      rewardUuid: request.rewardUuid,
      isPromo: request.isSupplierPromo,
      details: detailsOf(
        request.requestUuid,
        request.supplierTransactionId,
        request.meta,
        request.bet,
        request.rewardUuid,
      ),
    };
  }
}

function ok(body: Record<string, unknown>): AdapterResponse {
  return { httpStatus: 200, body };
}

function userOf(body: unknown): string | null {
  const user = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['user'] : undefined;
  return typeof user === 'string' ? user : null;
}

function detailsOf(
  requestUuid: string,
  supplierTransactionId: string | null,
  meta: Record<string, unknown> | null,
  bet: string | null,
  rewardUuid: string | null = null,
): Record<string, unknown> {
  return {
    requestUuid,
    ...(supplierTransactionId ? { supplierTransactionId } : {}),
    ...(meta ? { meta } : {}),
    ...(bet ? { bet } : {}),
    ...(rewardUuid ? { rewardUuid } : {}),
  };
}
