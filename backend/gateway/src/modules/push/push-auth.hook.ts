import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { sendApiError } from '../../common/api-error';
import { edgeTokenRefusals } from '../../common/gateway-metrics';
import type { AccessTokenVerifier, VerifiedToken } from '../edge-auth';
import type { PushHub } from './push-hub';
import type { SessionWatch } from './session-watch';

/** The WebSocket subprotocol of the push stream; the gateway selects it, never the one carrying the token. */
export const PUSH_PROTOCOL = 'casino.push.v1';
const BEARER_PROTOCOL = 'bearer.';
const BEARER_HEADER = /^Bearer[ ]+(\S+)\s*$/i;

const identities = new WeakMap<FastifyRequest, VerifiedToken>();

/** The verified token of a stream request that passed `pushAuthHook`. */
export function pushIdentityOf(request: FastifyRequest): VerifiedToken {
  const identity = identities.get(request);
  if (!identity) throw new Error('push route reached without a verified token');
  return identity;
}

/**
 * The access token of a stream request: `Authorization: Bearer <token>`, or the WebSocket subprotocol
 * `bearer.<token>` offered beside `casino.push.v1` (a browser cannot set headers on a WebSocket, and a token in the
 * URL would reach access logs).
 */
export function streamTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) return BEARER_HEADER.exec(header)?.[1] ?? '';
  const protocols = request.headers['sec-websocket-protocol'];
  if (typeof protocols !== 'string') return undefined;
  const offered = protocols.split(',').map((protocol) => protocol.trim());
  return offered.find((protocol) => protocol.startsWith(BEARER_PROTOCOL))?.slice(BEARER_PROTOCOL.length);
}

/** The subprotocol answered on the upgrade: ours when offered, otherwise none (a browser then refuses the socket). */
export function selectProtocol(offered: Set<string>): string | false {
  return offered.has(PUSH_PROTOCOL) ? PUSH_PROTOCOL : false;
}

export interface PushAuthOptions {
  verifier: AccessTokenVerifier;
  sessions: SessionWatch;
  hub: PushHub;
  maxStreamsPerPlayer: number;
}

/**
 * A stream opens only with a valid access token (the edge's check: HS256 only, signature, issuer, audience, expiry)
 * of a session that has not ended, otherwise 401, and while the player has fewer than `maxStreamsPerPlayer` open
 * here, otherwise 429; both before any upgrade.
 */
export function pushAuthHook({ verifier, sessions, hub, maxStreamsPerPlayer }: PushAuthOptions): onRequestHookHandler {
  return async (request, reply) => {
    const token = streamTokenOf(request);
    if (token === undefined) return sendApiError(request, reply, 'UNAUTHENTICATED', 'An access token is required');
    const result = verifier.check(token);
    if (!result.valid) {
      edgeTokenRefusals.inc({ reason: result.reason });
      return sendApiError(request, reply, 'UNAUTHENTICATED', 'The access token is not valid');
    }
    let alive: boolean;
    try {
      alive = await sessions.isAlive(result.sessionId, result.subject);
    } catch {
      return sendApiError(request, reply, 'SERVICE_UNAVAILABLE', 'Live updates are unavailable; try again shortly');
    }
    if (!alive) {
      edgeTokenRefusals.inc({ reason: 'session' });
      return sendApiError(request, reply, 'UNAUTHENTICATED', 'The session has ended');
    }
    if (hub.streamsOf(result.subject) >= maxStreamsPerPlayer) {
      return sendApiError(request, reply, 'RATE_LIMITED', 'Too many live streams open; close one first', {
        limit: 'push-streams-player',
      });
    }
    identities.set(request, result);
  };
}
