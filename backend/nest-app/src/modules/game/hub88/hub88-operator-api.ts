import { DomainError } from '@casino/contracts';
import type { Logger } from '@nestjs/common';
import type { ProviderRuntime } from '../providers/provider.types';
import { HUB88_SIGNATURE_HEADER, signHub88 } from './hub88-signature';

const TIMEOUT_MS = 10_000;

/** What a call to Hub88's operator API is for: its log lines and the refusal's message name it. */
export interface Hub88ApiCall {
  /** `games API`, `freebets API`. */
  api: string;
  /** The message of the 503 GAME_PROVIDER_UNAVAILABLE a failed call answers. */
  failure: string;
  logger: Logger;
}

/**
 * POSTs `payload` to Hub88's operator API (`/operator/generic/v2/...`), signed with the operator's key over the
 * exact bytes sent (RSA-SHA256, X-Hub88-Signature); the parsed answer, or 503 GAME_PROVIDER_UNAVAILABLE when there
 * is no answer, a non-200 one, or the provider lacks its URL or key.
 */
export async function postToHub88(
  provider: ProviderRuntime,
  path: string,
  payload: Record<string, unknown>,
  call: Hub88ApiCall,
): Promise<unknown> {
  const unavailable = (reason: string): DomainError =>
    new DomainError('GAME_PROVIDER_UNAVAILABLE', call.failure, { provider: provider.code, reason });
  if (!provider.apiBaseUrl || !provider.operatorPrivateKey) throw unavailable('API URL or operator key missing');
  const raw = JSON.stringify(payload);
  let response: Response;
  try {
    response = await fetch(new URL(path, provider.apiBaseUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [HUB88_SIGNATURE_HEADER]: signHub88(raw, provider.operatorPrivateKey),
      },
      body: raw,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    call.logger.warn({ provider: provider.code, path, err: error }, `${call.api} call failed`);
    throw unavailable('no answer');
  }
  if (response.status !== 200) {
    call.logger.warn({ provider: provider.code, path, status: response.status }, `${call.api} refused the call`);
    throw unavailable(`HTTP ${response.status}`);
  }
  return response.json().catch(() => null);
}
