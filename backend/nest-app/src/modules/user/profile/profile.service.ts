import {
  DomainError,
  EVENT_STREAMS,
  USER_CURRENCY_CHANGED,
  type SendEmailJobV1,
  type UserCurrencyChangedV1,
} from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Clock } from '../../../common/time/clock';
import { AppConfig } from '../../../config/app-config';
import { Mailer } from '../../../infra/mail/mailer';
import { domainEvent } from '../../../infra/outbox/domain-event.factory';
import { OutboxWriter } from '../../../infra/outbox/outbox.writer';
import { SmsDispatcher } from '../../../infra/sms/sms-dispatcher';
import type { RequestOrigin } from '../user-directory';
import { UsersRepository } from '../users.repository';
import { normaliseEmail, userNotFound } from '../users.service';
import type { ProfilePatch, UserRecord } from '../user.types';
import type { CodeSentDto } from './dto/code-sent.dto';
import type { ProfileDto } from './dto/profile.dto';
import type { UpdateProfileDto } from './dto/update-profile.dto';
import { contactChangeAudit, contactTakenError, type ContactField } from './contact-change';
import {
  assertBirthDateChangeAllowed,
  assertCountryAllowed,
  assertCurrencyChangeAllowed,
  assertOldEnough,
} from './profile-rules';
import { CODE_TTL_SECONDS, VerificationCodes, type CheckedCode } from './verification-codes';

/** The player's own profile: reading, validated changes, and email/phone changes confirmed by code. */
@Injectable()
export class ProfileService {
  public constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly codes: VerificationCodes,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly sms: SmsDispatcher,
    private readonly audit: AuditLog,
    private readonly mailer: Mailer,
  ) {}

  public async getProfile(userId: string): Promise<ProfileDto> {
    const user = await this.users.findById(userId);
    if (!user) throw userNotFound(userId);
    const [pendingEmail, pendingPhone] = await Promise.all([
      this.codes.pendingTarget('email-change', userId),
      this.codes.pendingTarget('phone-change', userId),
    ]);
    return toProfileDto(user, pendingEmail, pendingPhone);
  }

  /**
   * Checks every rule before writing anything; a new phone number is only saved once its code is confirmed.
   * Its text is queued before the patch is written: a text that cannot be queued takes its code back (with the
   * resend throttle) and changes nothing, as the email change does.
   */
  public async updateProfile(userId: string, change: UpdateProfileDto): Promise<ProfileDto> {
    const user = await this.users.findById(userId);
    if (!user) throw userNotFound(userId);
    const { phone, ...patch } = change;
    this.checkRules(user, patch);
    if (phone !== undefined && phone !== user.phone) await this.startPhoneChange(userId, phone);
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.users.lockById(manager, userId);
      if (!locked) throw userNotFound(userId);
      const currencyChanged = patch.currency !== undefined && patch.currency !== locked.currency;
      if (currencyChanged) assertCurrencyChangeAllowed(patch.currency ?? '', locked.currencyLockedAt);
      // Again under the row lock the KYC decision takes too: a verification committed meanwhile locks the date.
      if (patch.birthDate !== undefined) {
        assertBirthDateChangeAllowed(locked.birthDate, patch.birthDate, locked.ageVerifiedAt);
      }
      const now = this.clock.now();
      await this.users.updateProfile(manager, userId, patch, now);
      if (currencyChanged) {
        const payload: UserCurrencyChangedV1 = {
          userId,
          previousCurrency: locked.currency,
          currency: patch.currency ?? '',
          changedAt: now.toISOString(),
        };
        await this.outbox.append(manager, EVENT_STREAMS.USER, [domainEvent(USER_CURRENCY_CHANGED, 1, userId, payload)]);
      }
    });
    return this.getProfile(userId);
  }

  /**
   * Sends a code to the new address. Whether another account has it is only told at confirmation. A mail
   * that cannot be queued takes its code back, so the player may ask again at once.
   */
  public async startEmailChange(userId: string, email: string): Promise<CodeSentDto> {
    const user = await this.users.findById(userId);
    if (!user) throw userNotFound(userId);
    const target = normaliseEmail(email);
    const code = await this.codes.issue('email-change', userId, target);
    const job: SendEmailJobV1 = {
      to: target,
      subject: 'Confirm your new email address',
      text: `Your confirmation code is ${code}. It expires in ${CODE_TTL_SECONDS / 60} minutes.`,
      template: 'email-change-code',
    };
    try {
      await this.mailer.sendCode(job);
    } catch (error) {
      await this.codes.withdraw('email-change', userId);
      throw error;
    }
    return { channel: 'email', expiresInSeconds: CODE_TTL_SECONDS };
  }

  /** Changes the email with its code; the change, its audit record and spending the code commit together. */
  public async confirmEmailChange(caller: AuthenticatedUser, code: string, origin: RequestOrigin): Promise<ProfileDto> {
    if (!(await this.users.findById(caller.userId))) throw userNotFound(caller.userId);
    const checked = await this.codes.check('email-change', caller.userId, code);
    const previous = await this.changeContact(caller, origin, 'email', checked);
    const email = checked.target;
    if (previous && previous !== email) {
      const notice: SendEmailJobV1 = {
        to: previous,
        subject: 'Your email address was changed',
        text: 'The email address of your account was changed. If this was not you, contact support at once.',
        template: 'email-changed-notice',
      };
      await this.mailer.sendNotice(notice);
    }
    return this.getProfile(caller.userId);
  }

  /** Changes the phone number with its code; the change, its audit record and spending the code commit together. */
  public async confirmPhoneChange(caller: AuthenticatedUser, code: string, origin: RequestOrigin): Promise<ProfileDto> {
    const checked = await this.codes.check('phone-change', caller.userId, code);
    await this.changeContact(caller, origin, 'phone', checked);
    return this.getProfile(caller.userId);
  }

  private checkRules(user: UserRecord, patch: ProfilePatch): void {
    if (patch.birthDate !== undefined)
      assertBirthDateChangeAllowed(user.birthDate, patch.birthDate, user.ageVerifiedAt);
    if (patch.birthDate !== undefined && patch.birthDate !== null) {
      assertOldEnough(patch.birthDate, this.clock.now(), this.config.MIN_PLAYER_AGE);
    }
    if (patch.country !== undefined && patch.country !== null) {
      assertCountryAllowed(patch.country, this.config.blockedCountries);
    }
    if (patch.currency !== undefined && patch.currency !== user.currency) {
      assertCurrencyChangeAllowed(patch.currency, user.currencyLockedAt);
    }
  }

  /**
   * Writes the confirmed value and its audit record, then spends the code, in one transaction; answers the
   * value it replaced. A failure before the code is spent leaves it usable; a lost race for it rolls back.
   */
  private async changeContact(
    caller: AuthenticatedUser,
    origin: RequestOrigin,
    field: ContactField,
    checked: CheckedCode,
  ): Promise<string | null> {
    const value = checked.target;
    return this.dataSource.transaction(async (manager) => {
      const before = await this.users.lockById(manager, caller.userId);
      if (!before) throw userNotFound(caller.userId);
      const now = this.clock.now();
      const written =
        field === 'email'
          ? this.users.setVerifiedEmail(manager, caller.userId, value, now)
          : this.users.setVerifiedPhone(manager, caller.userId, value, now);
      await written.catch((error: unknown) => {
        throw contactTakenError(field, error);
      });
      const change = { field, from: before[field], to: value };
      await this.audit.record(contactChangeAudit(caller, origin, change), manager);
      await this.codes.consume(checked);
      return before[field];
    });
  }

  private async startPhoneChange(userId: string, phone: string): Promise<void> {
    const holder = await this.users.findByPhone(phone);
    if (holder && holder.id !== userId) {
      throw new DomainError('PHONE_ALREADY_IN_USE', 'Another account uses this phone number');
    }
    const code = await this.codes.issue('phone-change', userId, phone);
    try {
      await this.sms.sendCode({
        to: phone,
        text: `Your confirmation code is ${code}. It expires in ${CODE_TTL_SECONDS / 60} minutes.`,
        template: 'phone-change-code',
      });
    } catch (error) {
      await this.codes.withdraw('phone-change', userId);
      throw error;
    }
  }
}

export function toProfileDto(user: UserRecord, pendingEmail: string | null, pendingPhone: string | null): ProfileDto {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    pendingEmail,
    telegram: user.telegramId ? { id: user.telegramId, username: user.telegramUsername } : null,
    phone: user.phone,
    phoneVerified: user.phoneVerifiedAt !== null,
    pendingPhone,
    roles: user.roles,
    status: user.status,
    displayName: user.displayName,
    firstName: user.firstName,
    lastName: user.lastName,
    birthDate: user.birthDate,
    country: user.country,
    language: user.language,
    currency: user.currency,
    currencyLocked: user.currencyLockedAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}
