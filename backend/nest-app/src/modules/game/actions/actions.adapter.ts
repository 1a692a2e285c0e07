import { isKnownCurrency } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import type { ProviderRuntime } from '../providers/provider.types';
import type { GameWalletFailure, ProviderRef, TransactionCommand } from '../seamless/game-wallet.types';
import {
  WalletCallRejected,
  type AdapterResponse,
  type GatewayResult,
  type ParsedCall,
  type SeamlessAdapter,
  type WalletCall,
} from '../seamless/seamless-adapter';
import { ActionsParseError, parsePlay, type PlayRequest } from './actions-request';
import { ACTIONS_SIGNATURE_HEADER, verifyActions } from './actions-signature';

interface ActionsContext {
  round: string | null;
}

/** HTTP status and numeric code of each refusal, in the SoftSwiss/BGaming manner. */
const ERROR_OF_FAILURE: Readonly<Record<GameWalletFailure, [number, number, string]>> = {
  INVALID_REQUEST: [400, 400, 'Bad request'],
  AMOUNT_NOT_EXACT: [400, 400, 'Bad amount'],
  INVALID_SIGNATURE: [403, 403, "Request sign doesn't match"],
  INVALID_TOKEN: [400, 101, 'Player is invalid'],
  TOKEN_EXPIRED: [400, 101, 'Session expired'],
  INVALID_GAME: [400, 107, 'Game is forbidden'],
  WRONG_CURRENCY: [400, 153, 'Wrong currency'],
  NOT_ENOUGH_MONEY: [412, 100, 'Not enough funds'],
  USER_DISABLED: [403, 110, 'Player is disabled'],
  LIMIT_REACHED: [403, 105, 'Player reached a limit'],
  DUPLICATE_TRANSACTION: [409, 409, 'Action id reused with other data'],
  TRANSACTION_NOT_FOUND: [404, 404, 'Original action not found'],
  TRANSACTION_ROLLED_BACK: [409, 154, 'Action was rolled back'],
  PROVIDER_DISABLED: [403, 403, 'Provider disabled'],
  RETRY_LATER: [503, 500, 'Try again'],
  UNKNOWN: [500, 500, 'Unknown error'],
};

/**
 * The action-batch protocol: one signed call (`POST /providers/:code/play`, HMAC-SHA256 in
 * `X-REQUEST-SIGN`) carries a round's bets, wins and rollbacks; amounts are integer minor units.
 * A win settles the bet named by its `original_action_id`, or else the call's last bet; actions run in
 * order and the first refusal ends the call (those before it stand, and replay as such on a retry).
 */
@Injectable()
export class ActionsAdapter implements SeamlessAdapter<ActionsContext> {
  public readonly protocol = 'actions' as const;

  public verify(call: WalletCall, provider: ProviderRuntime): boolean {
    const header = call.headers[ACTIONS_SIGNATURE_HEADER];
    const signature = Array.isArray(header) ? header[0] : header;
    return (
      provider.hmacSecret !== null &&
      call.rawBody !== undefined &&
      verifyActions(call.rawBody, signature, provider.hmacSecret)
    );
  }

  public parse(call: WalletCall, provider: ProviderRuntime): ParsedCall<ActionsContext> {
    let request: PlayRequest;
    try {
      request = parsePlay(call.body);
    } catch (error) {
      if (error instanceof ActionsParseError) throw new WalletCallRejected<ActionsContext>('INVALID_REQUEST', null);
      throw error;
    }
    const context = { round: request.round };
    if (!isKnownCurrency(request.currency)) throw new WalletCallRejected('WRONG_CURRENCY', context);
    const ref: ProviderRef = { id: provider.id, code: provider.code };
    const session = { provider: ref, token: request.sessionId, userId: request.userId };
    if (request.actions.length === 0) {
      return { context, commands: [{ kind: 'balance', ...session, checkExpiry: true, gameCode: request.game }] };
    }
    let lastBet: string | null = null;
    const commands = request.actions.map((action, index): TransactionCommand => {
      const common = {
        ...session,
        transactionId: action.actionId,
        gameCode: request.game,
        round: request.round,
        roundClosed: request.finished && index === request.actions.length - 1,
        details: { action: action.action },
      };
      if (action.action === 'rollback') {
        return {
          ...common,
          kind: 'rollback',
          checkExpiry: false,
          referenceTransactionId: action.originalActionId ?? '',
        };
      }
      const money = { currency: request.currency, amount: BigInt(action.amount ?? 0), isFree: false, isPromo: false };
      if (action.action === 'bet') {
        lastBet = action.actionId;
        return { ...common, ...money, kind: 'bet', checkExpiry: true, gameCode: request.game };
      }
      return {
        ...common,
        ...money,
        kind: 'win',
        checkExpiry: false,
        referenceTransactionId: action.originalActionId ?? lastBet,
      };
    });
    return { context, commands };
  }

  public render(context: ActionsContext, results: GatewayResult[]): AdapterResponse {
    const last = results[results.length - 1];
    if (!last) return this.error('UNKNOWN', null);
    if (!last.outcome.ok) return this.error(last.outcome.failure, last.outcome.balance?.balance ?? null);
    const processedAt = new Date().toISOString();
    return {
      httpStatus: 200,
      body: {
        balance: Number(last.outcome.balance),
        game_id: context.round,
        transactions: results.flatMap(({ command }) =>
          command.kind === 'bet' || command.kind === 'win' || command.kind === 'rollback'
            ? [{ action_id: command.transactionId, processed_at: processedAt }]
            : [],
        ),
      },
    };
  }

  public reject(_call: WalletCall, failure: GameWalletFailure): AdapterResponse {
    return this.error(failure, null);
  }

  private error(failure: GameWalletFailure, balance: bigint | null): AdapterResponse {
    const [httpStatus, code, message] = ERROR_OF_FAILURE[failure];
    return { httpStatus, body: { code, message, ...(balance !== null ? { balance: Number(balance) } : {}) } };
  }
}
