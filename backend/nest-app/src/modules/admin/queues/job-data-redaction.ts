import { REDACTION_CENSOR } from '@casino/platform';

/**
 * Job fields the board never shows: mail and SMS jobs carry rendered text with one-time codes and sign-in links,
 * and no job needs a token, password or secret shown to staff.
 */
const HIDDEN_FIELD = /^(text|html|code|otp|totp|password|secret|token|.*Token|.*Secret|authorization|apiKey)$/i;

/** A copy of a job's data (or return value) with the values of hidden fields blanked, at any depth. */
export function redactJobData(value: unknown, depth = 0): unknown {
  if (depth > 16 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactJobData(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      HIDDEN_FIELD.test(key) ? REDACTION_CENSOR : redactJobData(field, depth + 1),
    ]),
  );
}
