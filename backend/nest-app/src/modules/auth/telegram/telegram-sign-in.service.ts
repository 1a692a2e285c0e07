import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { UserDirectory, type RequestOrigin, type TelegramIdentity, type UserAccount } from '../../user/user-directory';
import { SecurityEventRepository } from '../security-events/security-event.repository';
import { SignInService, type SignInResult } from '../sign-in/sign-in.service';
import { isFresh, isValidLoginWidgetHash, isValidWebAppHash, parseInitData } from './telegram-verification';

interface WebAppUser {
  id?: unknown;
  username?: unknown;
  first_name?: unknown;
  last_name?: unknown;
  photo_url?: unknown;
}

/** Sign-in and account linking with Telegram (Login Widget and Mini App initData). */
@Injectable()
export class TelegramSignInService {
  public constructor(
    private readonly users: UserDirectory,
    private readonly signIn: SignInService,
    private readonly events: SecurityEventRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  public async signInWithWidget(fields: Record<string, string>, origin: RequestOrigin): Promise<SignInResult> {
    const identity = await this.verifyWidget(fields, origin);
    const { account } = await this.users.findOrRegisterByTelegram(identity, origin);
    return this.signIn.complete(account, 'telegram', origin);
  }

  public async signInWithWebApp(initData: string, origin: RequestOrigin): Promise<SignInResult> {
    const fields = parseInitData(initData);
    const valid = fields !== null && isValidWebAppHash(fields, this.botToken());
    const identity = valid ? webAppIdentity(fields['user']) : null;
    if (!fields || !valid || !identity) {
      await this.refuse('TELEGRAM_AUTH_INVALID', origin, 'telegram-webapp');
    }
    await this.assertFresh(fields?.['auth_date'], origin, 'telegram-webapp');
    const { account } = await this.users.findOrRegisterByTelegram(identity as TelegramIdentity, origin);
    return this.signIn.complete(account, 'telegram-webapp', origin);
  }

  /**
   * Links the Telegram account of a widget payload to the signed-in account: a new way to sign in, so the
   * link, its audit record (`user.telegram.link`) and its security event commit together.
   */
  public async link(
    user: AuthenticatedUser,
    fields: Record<string, string>,
    origin: RequestOrigin,
  ): Promise<UserAccount> {
    const identity = await this.verifyWidget(fields, origin);
    const { userId } = user;
    const details = { telegramId: identity.telegramId };
    return this.dataSource.transaction(async (manager) => {
      const account = await this.users.linkTelegram(userId, identity, manager);
      await this.audit.record(
        {
          actorId: userId,
          actorRoles: user.roles,
          action: 'user.telegram.link',
          targetType: 'user',
          targetId: userId,
          ip: origin.ip,
          userAgent: origin.userAgent,
          requestId: origin.requestId,
          details: { ...details, username: identity.username ?? null },
        },
        manager,
      );
      await this.events.record({ kind: 'telegram.linked', userId, origin, details }, manager);
      return account;
    });
  }

  private async verifyWidget(fields: Record<string, string>, origin: RequestOrigin): Promise<TelegramIdentity> {
    if (!isValidLoginWidgetHash(fields, this.botToken()) || !/^\d{1,20}$/.test(fields['id'] ?? '')) {
      await this.refuse('TELEGRAM_AUTH_INVALID', origin, 'telegram');
    }
    await this.assertFresh(fields['auth_date'], origin, 'telegram');
    return {
      telegramId: fields['id'] as string,
      username: fields['username'],
      firstName: fields['first_name'],
      lastName: fields['last_name'],
      photoUrl: fields['photo_url'],
    };
  }

  private async assertFresh(authDate: string | undefined, origin: RequestOrigin, method: string): Promise<void> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    if (!isFresh(authDate, now, this.config.TELEGRAM_AUTH_MAX_AGE_SECONDS)) {
      await this.refuse('TELEGRAM_AUTH_EXPIRED', origin, method);
    }
  }

  private async refuse(
    code: 'TELEGRAM_AUTH_INVALID' | 'TELEGRAM_AUTH_EXPIRED',
    origin: RequestOrigin,
    method: string,
  ): Promise<never> {
    await this.events.record({ kind: 'sign_in.failed', origin, details: { method, reason: code } });
    throw new DomainError(
      code,
      code === 'TELEGRAM_AUTH_EXPIRED' ? 'The Telegram authorisation is too old' : 'The Telegram data is not authentic',
    );
  }

  private botToken(): string {
    if (!this.config.TELEGRAM_BOT_TOKEN) {
      throw new DomainError('TELEGRAM_NOT_CONFIGURED', 'Telegram sign-in is not configured');
    }
    return this.config.TELEGRAM_BOT_TOKEN;
  }
}

function webAppIdentity(userJson: string | undefined): TelegramIdentity | null {
  if (!userJson) return null;
  let user: WebAppUser;
  try {
    user = JSON.parse(userJson) as WebAppUser;
  } catch {
    return null;
  }
  if (typeof user.id !== 'number' || !Number.isSafeInteger(user.id) || user.id <= 0) return null;
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  return {
    telegramId: String(user.id),
    username: text(user.username),
    firstName: text(user.first_name),
    lastName: text(user.last_name),
    photoUrl: text(user.photo_url),
  };
}
