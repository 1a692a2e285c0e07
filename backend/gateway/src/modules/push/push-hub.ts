import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { pushClosed, pushConnections, pushDropped, pushLatency } from '../../common/gateway-metrics';
import { GatewayConfig } from '../../config/gateway-config';
import type { PushConnection } from './push-connection';
import type { CloseReason, Push, StreamReadyMessage } from './push-messages';

/**
 * The live-push streams open on this instance, by player and by session. Every instance receives every event and
 * delivers it to the streams it holds, so any instance can serve any player.
 */
@Injectable()
export class PushHub implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly byUser = new Map<string, Set<PushConnection>>();
  private readonly bySession = new Map<string, Set<PushConnection>>();
  private readonly expiries = new Map<PushConnection, NodeJS.Timeout>();
  private heartbeat?: NodeJS.Timeout;

  public constructor(private readonly config: GatewayConfig) {}

  public onApplicationBootstrap(): void {
    this.heartbeat = setInterval(() => this.beat(), this.config.GATEWAY_PUSH_HEARTBEAT_MS).unref();
  }

  public beforeApplicationShutdown(): void {
    clearInterval(this.heartbeat);
    for (const connections of [...this.byUser.values()]) {
      for (const connection of [...connections]) this.close(connection, 'shutdown');
    }
  }

  /** Holds an open stream until it ends, closing it when its access token expires (epoch ms). */
  public add(connection: PushConnection, expiresAtMs: number): void {
    addTo(this.byUser, connection.userId, connection);
    addTo(this.bySession, connection.sessionId, connection);
    pushConnections.inc({ transport: connection.transport });
    const timer = setTimeout(() => this.close(connection, 'token_expired'), Math.max(0, expiresAtMs - Date.now()));
    this.expiries.set(connection, timer.unref());
    const ready: StreamReadyMessage = { type: 'stream.ready', expiresAt: new Date(expiresAtMs).toISOString() };
    connection.send(JSON.stringify(ready));
  }

  /** Forgets a stream that ended (closed by the client, the gateway or the network). */
  public remove(connection: PushConnection): void {
    if (!removeFrom(this.byUser, connection.userId, connection)) return;
    removeFrom(this.bySession, connection.sessionId, connection);
    clearTimeout(this.expiries.get(connection));
    this.expiries.delete(connection);
    pushConnections.dec({ transport: connection.transport });
  }

  /** Sends a push to the streams of its player held here; none held, nothing to do. */
  public deliver(push: Push): void {
    const connections = this.byUser.get(push.userId);
    if (!connections) return;
    for (const connection of connections) {
      if (connection.send(push.json)) {
        pushLatency.observe({ type: push.type }, (Date.now() - push.occurredAtMs) / 1000);
      } else {
        pushDropped.inc({ reason: 'backpressure' });
      }
    }
  }

  /** How many streams the player has open here. */
  public streamsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** The sessions with a stream open here, with their owner. */
  public sessions(): [sessionId: string, userId: string][] {
    const sessions: [string, string][] = [];
    for (const [sessionId, connections] of this.bySession) {
      const first = connections.values().next().value;
      if (first) sessions.push([sessionId, first.userId]);
    }
    return sessions;
  }

  public closeSession(sessionId: string, reason: CloseReason): void {
    for (const connection of [...(this.bySession.get(sessionId) ?? [])]) this.close(connection, reason);
  }

  public get size(): number {
    return this.expiries.size;
  }

  private close(connection: PushConnection, reason: CloseReason): void {
    pushClosed.inc({ reason });
    connection.close(reason);
    this.remove(connection);
  }

  private beat(): void {
    for (const connections of this.byUser.values()) {
      for (const connection of connections) connection.heartbeat();
    }
  }
}

function addTo(index: Map<string, Set<PushConnection>>, key: string, connection: PushConnection): void {
  const connections = index.get(key);
  if (connections) connections.add(connection);
  else index.set(key, new Set([connection]));
}

function removeFrom(index: Map<string, Set<PushConnection>>, key: string, connection: PushConnection): boolean {
  const connections = index.get(key);
  if (!connections?.delete(connection)) return false;
  if (connections.size === 0) index.delete(key);
  return true;
}
