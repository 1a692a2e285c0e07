import { randomUUID, type KeyObject } from 'node:crypto';
import { signBody } from './keys';

export interface WalletAnswer {
  status: string;
  balance?: number;
  currency?: string;
}

export interface PlayerSession {
  user: string;
  token: string;
  currency: string;
  gameCode: string;
}

/** Signed Hub88-protocol calls to the operator's seamless wallet (compact JSON, signature over those bytes). */
export class OperatorWallet {
  public constructor(
    private readonly baseUrl: string,
    private readonly key: KeyObject,
  ) {}

  public async call(path: string, body: Record<string, unknown>): Promise<WalletAnswer> {
    const raw = JSON.stringify({ request_uuid: randomUUID(), ...body });
    const response = await fetch(`${this.baseUrl}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub88-signature': signBody(raw, this.key) },
      body: raw,
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 200) throw new Error(`wallet answered HTTP ${response.status}`);
    return (await response.json()) as WalletAnswer;
  }

  public balance(session: PlayerSession): Promise<WalletAnswer> {
    return this.call('user/balance', { user: session.user, token: session.token, game_code: session.gameCode });
  }

  public bet(session: PlayerSession, transactionUuid: string, round: string, amount: number): Promise<WalletAnswer> {
    return this.call('transaction/bet', {
      ...this.common(session, transactionUuid, round),
      round_closed: false,
      is_free: false,
      currency: session.currency,
      amount,
    });
  }

  public win(
    session: PlayerSession,
    transactionUuid: string,
    betUuid: string,
    round: string,
    amount: number,
  ): Promise<WalletAnswer> {
    return this.call('transaction/win', {
      ...this.common(session, transactionUuid, round),
      reference_transaction_uuid: betUuid,
      round_closed: true,
      is_free: false,
      currency: session.currency,
      amount,
    });
  }

  /** A free spin of a Freebets reward: `is_free` and the `reward_uuid`; `amount` is the spin's bet value. */
  public freeBet(
    session: PlayerSession,
    transactionUuid: string,
    round: string,
    amount: number,
    rewardUuid: string,
  ): Promise<WalletAnswer> {
    return this.call('transaction/bet', {
      ...this.common(session, transactionUuid, round),
      round_closed: false,
      is_free: true,
      reward_uuid: rewardUuid,
      currency: session.currency,
      amount,
    });
  }

  public freeWin(
    session: PlayerSession,
    transactionUuid: string,
    betUuid: string,
    round: string,
    amount: number,
    rewardUuid: string,
  ): Promise<WalletAnswer> {
    return this.call('transaction/win', {
      ...this.common(session, transactionUuid, round),
      reference_transaction_uuid: betUuid,
      round_closed: true,
      is_free: true,
      reward_uuid: rewardUuid,
      currency: session.currency,
      amount,
    });
  }

  public rollback(
    session: PlayerSession,
    transactionUuid: string,
    betUuid: string,
    round: string,
  ): Promise<WalletAnswer> {
    return this.call('transaction/rollback', {
      ...this.common(session, transactionUuid, round),
      reference_transaction_uuid: betUuid,
      round_closed: true,
    });
  }

  private common(session: PlayerSession, transactionUuid: string, round: string): Record<string, unknown> {
    return {
      user: session.user,
      token: session.token,
      game_code: session.gameCode,
      transaction_uuid: transactionUuid,
      supplier_transaction_id: `demo-${transactionUuid}`,
      round,
    };
  }
}
