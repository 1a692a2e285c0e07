export const CONSENT_KINDS = ['terms', 'privacy', 'marketing'] as const;
export type ConsentKind = (typeof CONSENT_KINDS)[number];
/** Needed to play; marketing is optional. */
export const REQUIRED_CONSENTS: readonly ConsentKind[] = ['terms', 'privacy'];

export const CHANNELS = ['email', 'sms', 'telegram'] as const;
export type Channel = (typeof CHANNELS)[number];
export const TOPICS = ['security', 'transactions', 'promotions', 'product_news'] as const;
export type Topic = (typeof TOPICS)[number];
/** Topics that are marketing: only sent with a current marketing consent. */
export const MARKETING_TOPICS: readonly Topic[] = ['promotions', 'product_news'];

/** Until a player chooses: security and transaction notices on (SMS only for security), marketing off. */
export function defaultPreference(channel: Channel, topic: Topic): boolean {
  if (topic === 'security') return true;
  if (topic === 'transactions') return channel !== 'sms';
  return false;
}
