import type { SendSmsJobV1 } from '@casino/contracts';

/** Where the `sms` queue's consumer hands a message: an HTTP SMS gateway, or the development sink. */
export abstract class SmsSender {
  public abstract send(message: SendSmsJobV1): Promise<void>;
}

/**
 * `+4915112345678` → `+49151******78`: enough to tell numbers apart in logs, not to dial them. A number of
 * 8 characters or fewer is masked whole (prefix and suffix would show all of it).
 */
export function maskPhone(phone: string): string {
  if (phone.length <= 8) return '*'.repeat(phone.length);
  return `${phone.slice(0, 6)}${'*'.repeat(phone.length - 8)}${phone.slice(-2)}`;
}
