import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderProtocol, ProviderRuntime } from '../providers/provider.types';
import type { GameWalletFailure, GameWalletOutcome, SessionQuery, TransactionCommand } from './game-wallet.types';
import type { PlayerInfo } from './seamless-wallet.service';

/**
 * One wallet call as it arrived: the route's operation, the exact body bytes, the headers and the parsed
 * JSON (`UNPARSABLE_BODY` from provider-body.ts when the bytes are not JSON).
 */
export interface WalletCall {
  operation: string;
  rawBody: Buffer | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export type GatewayCommand =
  { kind: 'info'; userId: string } | ({ kind: 'balance'; gameCode: string | null } & SessionQuery) | TransactionCommand;

export interface GatewayResult {
  command: GatewayCommand;
  outcome: GameWalletOutcome;
  info?: PlayerInfo;
}

/** What a protocol's request asks: commands run in order; the first refusal ends the call. */
export interface ParsedCall<TContext> {
  context: TContext;
  commands: GatewayCommand[];
}

export class WalletCallRejected<TContext> extends Error {
  public constructor(
    public readonly failure: GameWalletFailure,
    public readonly context: TContext | null,
  ) {
    super(`wallet call rejected: ${failure}`);
  }
}

export interface AdapterResponse {
  httpStatus: number;
  body: unknown;
}

/**
 * One provider protocol. Adding a provider protocol means one adapter (and a games API client);
 * the seamless core and the wallet never change.
 */
export interface SeamlessAdapter<TContext = unknown> {
  readonly protocol: ProviderProtocol;
  /** Checks the request's signature over the raw body bytes with the provider's credentials. */
  verify(call: WalletCall, provider: ProviderRuntime): boolean;
  /** Turns the request into commands; throws WalletCallRejected for a malformed request. */
  parse(call: WalletCall, provider: ProviderRuntime): ParsedCall<TContext>;
  /** The protocol's answer to the commands' results (all succeeded, or the last one failed). */
  render(context: TContext, results: GatewayResult[]): AdapterResponse;
  /** The protocol's answer to a call refused before any command ran (signature, syntax, provider). */
  reject(call: WalletCall, failure: GameWalletFailure, context: TContext | null): AdapterResponse;
}

export const SEAMLESS_ADAPTERS = Symbol('SEAMLESS_ADAPTERS');
