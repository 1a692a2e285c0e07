import type { KeyObject } from 'node:crypto';

export const PROVIDER_PROTOCOLS = ['hub88', 'actions'] as const;
export type ProviderProtocol = (typeof PROVIDER_PROTOCOLS)[number];
export const PROVIDER_STATUSES = ['active', 'disabled'] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];
export const PROVIDER_CODE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Secrets as stored (encrypted as one JSON document); which ones apply depends on the protocol. */
export interface ProviderCredentials {
  /** hub88: the provider's public key (PEM) that verifies its wallet calls. */
  publicKeyPem?: string;
  /** hub88: our private key (PEM) that signs our calls to its games API. */
  operatorPrivateKeyPem?: string;
  /** hub88: our operator id at the provider. */
  operatorId?: string;
  /** actions: the shared HMAC-SHA256 secret of wallet calls. */
  hmacSecret?: string;
}

export interface ProviderRecord {
  id: string;
  code: string;
  name: string;
  protocol: ProviderProtocol;
  status: ProviderStatus;
  apiBaseUrl: string | null;
  currencies: string[];
  /** Which credentials are set; the values themselves never leave the registry. */
  credentialKeys: (keyof ProviderCredentials)[];
  createdAt: Date;
  updatedAt: Date;
}

/** A provider with its secrets opened and parsed, for adapters and API clients. */
export interface ProviderRuntime extends ProviderRecord {
  publicKey: KeyObject | null;
  operatorPrivateKey: KeyObject | null;
  operatorId: string | null;
  hmacSecret: string | null;
}
