import { DomainError } from '@casino/contracts';
import { maskEmail, maskPhone } from '@casino/platform';
import type { AuditEntry } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { isUniqueViolation } from '../database-errors';
import type { RequestOrigin } from '../user-directory';

/** A way to reach the player that changes only once a code sent to the new value is confirmed. */
export type ContactField = 'email' | 'phone';

const CONTACT_FIELDS: Record<
  ContactField,
  { action: string; mask: (value: string) => string; constraint: string; takenCode: string; takenMessage: string }
> = {
  email: {
    action: 'user.email.change',
    mask: maskEmail,
    constraint: 'users_email_key',
    takenCode: 'EMAIL_ALREADY_IN_USE',
    takenMessage: 'Another account uses this email address',
  },
  phone: {
    action: 'user.phone.change',
    mask: maskPhone,
    constraint: 'users_phone_key',
    takenCode: 'PHONE_ALREADY_IN_USE',
    takenMessage: 'Another account uses this phone number',
  },
};

export interface ContactChange {
  field: ContactField;
  from: string | null;
  to: string;
}

/**
 * The audit record of a player's own confirmed change: before and after masked, so the log tells
 * the values apart without holding them; the code that confirmed it is never part of it.
 */
export function contactChangeAudit(
  caller: AuthenticatedUser,
  origin: RequestOrigin,
  change: ContactChange,
): AuditEntry {
  const { action, mask } = CONTACT_FIELDS[change.field];
  return {
    actorId: caller.userId,
    actorRoles: caller.roles,
    action,
    targetType: 'user',
    targetId: caller.userId,
    ip: origin.ip,
    userAgent: origin.userAgent,
    requestId: origin.requestId,
    details: { from: change.from === null ? null : mask(change.from), to: mask(change.to) },
  };
}

/** EMAIL_ALREADY_IN_USE / PHONE_ALREADY_IN_USE for the unique violation of that column; any other error as it is. */
export function contactTakenError(field: ContactField, error: unknown): unknown {
  const { constraint, takenCode, takenMessage } = CONTACT_FIELDS[field];
  return isUniqueViolation(error, constraint) ? new DomainError(takenCode, takenMessage) : error;
}
