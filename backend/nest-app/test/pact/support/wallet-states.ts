import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { VerifierOptions } from '@pact-foundation/pact';
import { randomUUID, type KeyObject } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hub88ToMinor } from '../../../src/modules/game/hub88/hub88-amount';
import { signHub88 } from '../../../src/modules/game/hub88/hub88-signature';
import { ProvidersService } from '../../../src/modules/game/providers/providers.service';
import { GameSessionsService } from '../../../src/modules/game/sessions/game-sessions.service';
import { RgSettingsService } from '../../../src/modules/user/responsible-gaming/rg-settings.service';
import type { FakeHub88 } from '../../game/support/fake-hub88';
import { newPlayer } from '../../game/support/game-test-app';
import { GAME, STATES, WALLET_BASE_PATH } from './hub88-wallet-contract';

type StateHandlers = NonNullable<VerifierOptions['stateHandlers']>;
type Values = Record<string, string>;

interface StateParams {
  balance?: number;
  betAmount?: number;
  wagerLimit?: number;
}

/**
 * The provider states of the Hub88 wallet pact, made in the real database through the app's own
 * services and endpoints: a fresh player per interaction (so that interactions never share history),
 * their wallet funded, a real game launch for the session token, and bets and rollbacks placed over HTTP.
 */
export class WalletStates {
  /** True for the one interaction whose request Hub88 signs with a key we do not trust. */
  public signWithForeignKey = false;
  /** States that could not be made (Pact only logs them; the test asserts there are none). */
  public readonly failures: string[] = [];
  private providerDisabled = false;

  public constructor(
    private readonly app: NestFastifyApplication,
    private readonly hub88: FakeHub88,
    private readonly hub88Key: KeyObject,
  ) {}

  public handlers(): StateHandlers {
    const state = (setup: (params: StateParams) => Promise<Values>) => async (params?: unknown) => {
      this.signWithForeignKey = false;
      try {
        await this.enableProvider();
        return await setup((params ?? {}) as StateParams);
      } catch (error) {
        this.failures.push(error instanceof Error ? error.message : String(error));
        throw error;
      }
    };
    return {
      [STATES.player]: state(async () => ({ user: (await newPlayer(this.app, 'pact')).userId })),
      [STATES.session]: state((params) => this.session(params)),
      [STATES.idleSession]: state(async (params) => this.idle(await this.session(params))),
      [STATES.timedOut]: state(async (params) => {
        const values = await this.session(params);
        await this.app.get(RgSettingsService).timeOut(values.user, 24, 'pact state', values.user);
        return values;
      }),
      [STATES.wagerLimit]: state(async (params) => {
        const values = await this.session(params);
        const limit = hub88ToMinor(params.wagerLimit ?? 100_000, 'EUR').toString();
        await this.app.get(RgSettingsService).updateLimits(values.user, { wagerDay: limit }, values.user);
        return values;
      }),
      [STATES.betAccepted]: state((params) => this.betPlaced(params)),
      [STATES.betAcceptedSessionIdle]: state(async (params) => this.idle(await this.betPlaced(params))),
      [STATES.betRolledBack]: state(async (params) => {
        const values = await this.betPlaced(params);
        await this.walletCall('transaction/rollback', this.rollbackOf(values, values.betTransactionUuid ?? ''));
        return values;
      }),
      [STATES.rollbackRecorded]: state(async (params) => {
        const values = await this.session(params);
        const transactionUuid = randomUUID();
        await this.walletCall('transaction/rollback', this.rollbackOf(values, transactionUuid));
        return { ...values, transactionUuid };
      }),
      [STATES.foreignSignature]: state(async (params) => {
        const values = await this.session(params);
        this.signWithForeignKey = true;
        return values;
      }),
      [STATES.providerDisabled]: state(async (params) => {
        const values = await this.session(params);
        await this.app.get(ProvidersService).update('hub88', { status: 'disabled' }, { user: null });
        this.providerDisabled = true;
        return values;
      }),
    };
  }

  /** Every other state has the provider active (the verifier runs the interactions one at a time). */
  private async enableProvider(): Promise<void> {
    if (!this.providerDisabled) return;
    await this.app.get(ProvidersService).update('hub88', { status: 'active' }, { user: null });
    this.providerDisabled = false;
  }

  /** A new player with the balance (Hub88 units, EUR) and a game session opened by a real launch. */
  private async session(params: StateParams): Promise<Values> {
    const player = await newPlayer(this.app, 'pact', hub88ToMinor(params.balance ?? 0, 'EUR'));
    const rows = (await this.app.get(DataSource).query(`SELECT id FROM games WHERE game_code = $1`, [GAME])) as {
      id: string;
    }[];
    await this.app.get(GameSessionsService).launch({
      gameId: rows[0]?.id ?? '',
      mode: 'real',
      platform: 'desktop',
      language: 'en',
      userId: player.userId,
      ip: '203.0.113.88',
    });
    return { user: player.userId, token: this.hub88.tokenOf(player.userId) };
  }

  private async betPlaced(params: StateParams): Promise<Values> {
    const values = await this.session(params);
    const betTransactionUuid = randomUUID();
    const round = `round-${randomUUID()}`;
    await this.walletCall('transaction/bet', {
      user: values.user,
      transaction_uuid: betTransactionUuid,
      supplier_transaction_id: `state-${betTransactionUuid}`,
      token: values.token,
      round,
      round_closed: false,
      is_free: false,
      game_code: GAME,
      currency: 'EUR',
      amount: params.betAmount ?? 100_000,
    });
    return { ...values, betTransactionUuid, round };
  }

  /** Moves the session's last activity a day back: idle past any time-out. */
  private async idle(values: Values): Promise<Values> {
    await this.app
      .get(DataSource)
      .query(`UPDATE game_sessions SET last_activity_at = last_activity_at - interval '1 day' WHERE user_id = $1`, [
        values.user,
      ]);
    // The wallet calls' session cache keeps a session for a few seconds (ADR 0011): drop the stale copy.
    this.app.get(GameSessionsService).forgetCachedSessions();
    return values;
  }

  private rollbackOf(values: Values, reference: string): Record<string, unknown> {
    return {
      user: values.user,
      transaction_uuid: randomUUID(),
      reference_transaction_uuid: reference,
      supplier_transaction_id: 'state-rollback',
      token: values.token,
      round: values['round'] ?? null,
      game_code: GAME,
    };
  }

  /** A signed wallet call as Hub88 makes it; the state fails unless the wallet answers RS_OK. */
  private async walletCall(operation: string, body: Record<string, unknown>): Promise<void> {
    const raw = JSON.stringify({ request_uuid: randomUUID(), ...body });
    const response = await this.app.inject({
      method: 'POST',
      url: `${WALLET_BASE_PATH}/${operation}`,
      headers: { 'content-type': 'application/json', 'x-hub88-signature': signHub88(raw, this.hub88Key) },
      payload: raw,
    });
    const status = response.json<{ status?: string }>().status;
    if (status !== 'RS_OK') throw new Error(`state ${operation} answered ${response.statusCode} ${response.body}`);
  }
}
