import { DomainError, GAME_SESSION_OPENED, minorDigitsOf, type GameSessionOpenedV1 } from '@casino/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { domainEvent } from '../../../infra/outbox/domain-event.factory';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import { PlayEligibilityService } from '../../user/eligibility/play-eligibility.service';
import { KycService } from '../../user/kyc/kyc.service';
import { ResponsibleGamingService } from '../../user/responsible-gaming/responsible-gaming.service';
import { UsersService } from '../../user/users.service';
import { WalletService } from '../../wallet/wallet.service';
import type { GameRecord } from '../catalog/game.types';
import { GamesService } from '../catalog/games.service';
import { GAMES_API_CLIENTS, type GamesApiClient } from '../providers/games-api';
import type { ProviderRuntime } from '../providers/provider.types';
import { ProvidersService } from '../providers/providers.service';
import type { GameWalletFailure, SessionQuery } from '../seamless/game-wallet.types';
import { GameSessionsRepository, type GameSessionRow } from './game-sessions.repository';
import { SESSION_TOUCH_INTERVAL_MS, SessionCache } from './session-cache';
import { sessionClosedEvent } from './session-closed-event';
import { hashSessionToken, newSessionToken } from './session-token';

export interface LaunchInput {
  gameId: string;
  mode: 'real' | 'demo';
  platform: 'desktop' | 'mobile';
  language: string;
  /** Null for an anonymous demo launch. */
  userId: string | null;
  /** Null when the request gives no usable address (see `requestOriginOf`). */
  ip: string | null;
}

export interface LaunchResult {
  url: string;
  sessionId: string;
  realityCheckMinutes: number | null;
}

export type RealSessionInput = Omit<LaunchInput, 'mode' | 'userId'> & { userId: string };

export interface OpenedRealSession {
  sessionId: string;
  /** What the provider carries and sends back in the session's wallet calls. */
  token: string;
  currency: string;
  country: string | null;
  realityCheckMinutes: number | null;
}

export type ResolvedSession =
  | { ok: true; session: GameSessionRow & { userId: string; currency: string } }
  | { ok: false; failure: GameWalletFailure };

/** Opens game sessions (with every check a launch needs) and resolves their tokens in wallet calls. */
@Injectable()
export class GameSessionsService {
  private readonly logger = new Logger(GameSessionsService.name);
  private readonly cache = new SessionCache();

  public constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: GameSessionsRepository,
    private readonly games: GamesService,
    private readonly providers: ProvidersService,
    private readonly users: UsersService,
    private readonly kyc: KycService,
    private readonly eligibility: PlayEligibilityService,
    private readonly responsibleGaming: ResponsibleGamingService,
    private readonly wallets: WalletService,
    private readonly outbox: OutboxWriter,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(GAMES_API_CLIENTS) private readonly clients: GamesApiClient[],
  ) {}

  public async launch(input: LaunchInput): Promise<LaunchResult> {
    const { game, provider } = await this.playable(input.gameId);
    if (input.mode === 'demo') return this.launchDemo(input, game, provider);
    if (!input.userId) throw new DomainError('UNAUTHENTICATED', 'Sign in to play for real money');
    const opened = await this.openReal({ ...input, userId: input.userId }, game, provider);
    const url = await this.clientFor(provider).launchUrl({
      provider,
      game,
      mode: 'real',
      platform: input.platform,
      language: input.language,
      token: opened.token,
      userId: input.userId,
      currency: opened.currency,
      country: opened.country,
      ip: input.ip,
      lobbyUrl: this.config.GAME_LOBBY_URL,
    });
    return { url, sessionId: opened.sessionId, realityCheckMinutes: opened.realityCheckMinutes };
  }

  /**
   * A real-money session with every check a launch makes, without asking the provider for a launch URL: for a
   * caller that makes the session's wallet calls in process (the demo history seeder). The token is its credential.
   */
  public async openRealSession(input: RealSessionInput): Promise<OpenedRealSession> {
    const { game, provider } = await this.playable(input.gameId);
    return this.openReal(input, game, provider);
  }

  private async playable(gameId: string): Promise<{ game: GameRecord; provider: ProviderRuntime }> {
    const game = await this.games.getEnabled(gameId);
    const provider = await this.providers.runtime(game.providerCode);
    if (!provider || provider.status !== 'active') {
      throw new DomainError('GAME_PROVIDER_DISABLED', 'The game provider is not available', {
        provider: game.providerCode,
      });
    }
    return { game, provider };
  }

  private async openReal(
    input: RealSessionInput,
    game: GameRecord,
    provider: ProviderRuntime,
  ): Promise<OpenedRealSession> {
    const player = await this.assertMayPlay(input.userId, game, provider);
    const playSession = await this.responsibleGaming.assertCanLaunchGame(input.userId);
    await this.wallets.openWallet(input.userId, player.currency);
    const token = newSessionToken();
    const sessionId = await this.open({ ...input, mode: 'real' }, game, provider, token, player);
    return { sessionId, token, ...player, realityCheckMinutes: playSession.realityCheckMinutes };
  }

  /**
   * The session of a wallet call's token. Unknown, demo or another player's token: INVALID_TOKEN.
   * Idle past the TTL: TOKEN_EXPIRED when `checkExpiry` (balance, bets), accepted otherwise (wins, rollbacks).
   */
  public async resolve(query: SessionQuery): Promise<ResolvedSession> {
    const tokenHash = hashSessionToken(query.token);
    const cacheKey = `${query.provider.id}:${tokenHash}`;
    const now = this.clock.now();
    let entry = this.cache.get(cacheKey, now.getTime());
    if (!entry) {
      const loaded = await this.sessions.findByTokenHash(query.provider.id, tokenHash);
      if (!loaded) return { ok: false, failure: 'INVALID_TOKEN' };
      entry = this.cache.put(cacheKey, loaded, now.getTime());
    }
    const session = entry.session;
    if (session.mode !== 'real' || !session.userId || !session.currency) return { ok: false, failure: 'INVALID_TOKEN' };
    if (query.userId !== null && query.userId !== session.userId) return { ok: false, failure: 'INVALID_TOKEN' };
    const idleMs = now.getTime() - session.lastActivityAt.getTime();
    const expired = session.status === 'closed' || idleMs > this.config.GAME_SESSION_IDLE_TTL_SECONDS * 1000;
    if (expired && session.status === 'open') {
      this.cache.forget(cacheKey);
      await this.closeExpired(session, query.provider.code, now);
    }
    if (expired && query.checkExpiry) return { ok: false, failure: 'TOKEN_EXPIRED' };
    if (!expired) {
      // The idle clock: exact in the cache, moved in the database at most every few seconds (session-cache.ts).
      if (now.getTime() - entry.touchedAt >= SESSION_TOUCH_INTERVAL_MS) {
        await this.sessions.touch(session.id, now);
        entry.touchedAt = now.getTime();
      }
      if (now > session.lastActivityAt) entry.session = { ...session, lastActivityAt: now };
    }
    return { ok: true, session: { ...session, userId: session.userId, currency: session.currency } };
  }

  /** Forgets the cached sessions (for a test that changes sessions directly in the database). */
  public forgetCachedSessions(): void {
    this.cache.clear();
  }

  private async assertMayPlay(
    userId: string,
    game: GameRecord,
    provider: ProviderRuntime,
  ): Promise<{ currency: string; country: string | null }> {
    const user = await this.users.getRecord(userId);
    if (user.status !== 'active')
      throw new DomainError('GAME_PLAYER_DISABLED', 'The account may not play', { status: user.status });
    await this.eligibility.assertEligible(userId);
    const country = user.country;
    if (country && this.config.blockedCountries.has(country)) {
      throw new DomainError('COUNTRY_NOT_ALLOWED', 'Players from this country may not play', { country });
    }
    if (country && game.blockedCountries.includes(country)) {
      throw new DomainError('GAME_COUNTRY_BLOCKED', 'This game is not available in your country', { country });
    }
    if (provider.currencies.length > 0 && !provider.currencies.includes(user.currency)) {
      throw new DomainError('GAME_CURRENCY_NOT_SUPPORTED', 'The game provider does not support your currency', {
        currency: user.currency,
      });
    }
    const threshold = BigInt(this.config.GAME_KYC_DEPOSIT_THRESHOLD) * 10n ** BigInt(minorDigitsOf(user.currency));
    if ((await this.sessions.depositedTotal(userId, user.currency)) >= threshold) await this.kyc.assertVerified(userId);
    return { currency: user.currency, country };
  }

  private async launchDemo(input: LaunchInput, game: GameRecord, provider: ProviderRuntime): Promise<LaunchResult> {
    if (!game.demoAvailable)
      throw new DomainError('GAME_DEMO_NOT_AVAILABLE', 'This game has no demo mode', { id: game.id });
    const sessionId = await this.open({ ...input, userId: null }, game, provider, newSessionToken(), null);
    const url = await this.clientFor(provider).launchUrl({
      provider,
      game,
      mode: 'demo',
      platform: input.platform,
      language: input.language,
      token: null,
      userId: null,
      currency: null,
      country: null,
      ip: input.ip,
      lobbyUrl: this.config.GAME_LOBBY_URL,
    });
    return { url, sessionId, realityCheckMinutes: null };
  }

  private async open(
    input: LaunchInput,
    game: GameRecord,
    provider: ProviderRuntime,
    token: string,
    player: { currency: string; country: string | null } | null,
  ): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const id = await this.sessions.insert(
        {
          tokenHash: hashSessionToken(token),
          providerId: provider.id,
          gameId: game.id,
          userId: input.userId,
          mode: input.mode,
          platform: input.platform,
          language: input.language,
          currency: player?.currency ?? null,
          country: player?.country ?? null,
          openedAt: this.clock.now(),
        },
        manager,
      );
      const payload: GameSessionOpenedV1 = {
        sessionId: id,
        ...(input.userId ? { userId: input.userId } : {}),
        gameId: game.id,
        providerCode: provider.code,
        gameCode: game.gameCode,
        mode: input.mode,
        platform: input.platform,
        ...(player ? { currency: player.currency } : {}),
        openedAt: this.clock.now().toISOString(),
      };
      await this.outbox.append(manager, 'game', [domainEvent(GAME_SESSION_OPENED, 1, id, payload)]);
      return id;
    });
  }

  private async closeExpired(session: GameSessionRow, providerCode: string, now: Date): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.sessions.close(session.id, now, manager))) return;
      await this.outbox.append(manager, 'game', [sessionClosedEvent(session, providerCode, 'expired', now)]);
    });
    this.logger.log({ sessionId: session.id }, 'game session expired');
  }

  private clientFor(provider: ProviderRuntime): GamesApiClient {
    const client = this.clients.find((candidate) => candidate.protocol === provider.protocol);
    if (!client) throw new Error(`no games API client for protocol ${provider.protocol}`);
    return client;
  }
}
