import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import type { GatewayConfig } from '../../config/gateway-config';
import type { AccessTokenVerifier } from '../edge-auth';
import { pushAuthHook, pushIdentityOf } from './push-auth.hook';
import type { PushHub } from './push-hub';
import type { SessionWatch } from './session-watch';
import { SseConnection } from './sse-connection';
import { WebSocketConnection } from './websocket-connection';

export const PUSH_ROUTES = { websocket: '/ws', eventStream: '/api/v1/stream' } as const;

export interface PushRoutesOptions {
  hub: PushHub;
  sessions: SessionWatch;
  verifier: AccessTokenVerifier;
  config: GatewayConfig;
  /** The edge's rate limit, before the token and session checks (a reconnect storm is refused cheaply). */
  rateLimit: onRequestHookHandler;
}

/** `GET /ws` (WebSocket) and its fallback `GET /api/v1/stream` (server-sent events), served by the gateway itself. */
export async function registerPushRoutes(fastify: FastifyInstance, options: PushRoutesOptions): Promise<void> {
  const { hub, config } = options;
  const maxBuffered = config.GATEWAY_PUSH_MAX_BUFFERED_BYTES;
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', options.rateLimit);
    scope.addHook(
      'onRequest',
      pushAuthHook({ ...options, maxStreamsPerPlayer: config.GATEWAY_PUSH_MAX_STREAMS_PER_PLAYER }),
    );

    scope.get(PUSH_ROUTES.websocket, { websocket: true }, (socket, request) => {
      const { subject, sessionId, expiresAt } = pushIdentityOf(request);
      const connection = new WebSocketConnection(socket, subject, sessionId, maxBuffered);
      socket.on('close', () => hub.remove(connection));
      hub.add(connection, expiresAt * 1000);
    });

    // No HEAD twin: a HEAD answer has no body, and a stream never ends one.
    scope.get(PUSH_ROUTES.eventStream, { exposeHeadRoute: false }, (request, reply) => {
      const { subject, sessionId, expiresAt } = pushIdentityOf(request);
      reply.hijack();
      reply.raw.writeHead(200, {
        ...(reply.getHeaders() as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      });
      const connection = new SseConnection(reply.raw, subject, sessionId, maxBuffered);
      reply.raw.on('close', () => hub.remove(connection));
      hub.add(connection, expiresAt * 1000);
    });
  });
}
