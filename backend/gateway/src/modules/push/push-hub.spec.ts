import { loadConfig } from '@casino/platform';
import { GatewayConfig } from '../../config/gateway-config';
import type { PushConnection } from './push-connection';
import type { CloseReason, Push } from './push-messages';
import { PushHub } from './push-hub';

class FakeConnection implements PushConnection {
  public readonly transport = 'ws';
  public readonly sent: string[] = [];
  public closedWith?: CloseReason;
  public accepting = true;

  public constructor(
    public readonly userId: string,
    public readonly sessionId: string,
  ) {}

  public send(json: string): boolean {
    if (this.accepting) this.sent.push(json);
    return this.accepting;
  }

  public heartbeat(): void {}

  public close(reason: CloseReason): void {
    this.closedWith = reason;
  }
}

const push = (userId: string, json = `{"for":"${userId}"}`): Push => ({
  userId,
  occurredAtMs: Date.now(),
  type: 'balance.changed',
  json,
});

describe('PushHub', () => {
  let hub: PushHub;
  const later = Date.now() + 60_000;

  beforeEach(() => {
    hub = new PushHub(loadConfig(GatewayConfig, {}));
  });

  afterEach(() => hub.beforeApplicationShutdown());

  it('sends stream.ready first, then each push to every stream of its player and to no one else', () => {
    const phone = new FakeConnection('alice', 's1');
    const laptop = new FakeConnection('alice', 's2');
    const bob = new FakeConnection('bob', 's3');
    for (const connection of [phone, laptop, bob]) hub.add(connection, later);
    hub.deliver(push('alice'));
    hub.deliver(push('nobody-here'));
    expect(JSON.parse(phone.sent[0] ?? '')).toEqual({ type: 'stream.ready', expiresAt: new Date(later).toISOString() });
    expect(phone.sent.slice(1)).toEqual(['{"for":"alice"}']);
    expect(laptop.sent.slice(1)).toEqual(['{"for":"alice"}']);
    expect(bob.sent.slice(1)).toEqual([]);
    expect([hub.streamsOf('alice'), hub.streamsOf('bob'), hub.streamsOf('nobody')]).toEqual([2, 1, 0]);
  });

  it('forgets a removed stream and closes only the streams of an ended session', () => {
    const first = new FakeConnection('alice', 's1');
    const second = new FakeConnection('alice', 's2');
    hub.add(first, later);
    hub.add(second, later);
    expect(hub.sessions()).toEqual([
      ['s1', 'alice'],
      ['s2', 'alice'],
    ]);
    hub.closeSession('s1', 'session_revoked');
    expect(first.closedWith).toBe('session_revoked');
    expect(second.closedWith).toBeUndefined();
    hub.remove(second);
    hub.deliver(push('alice'));
    expect(second.sent).toHaveLength(1);
    expect(hub.size).toBe(0);
  });

  it('closes a stream when its token expires', () => {
    jest.useFakeTimers();
    try {
      const connection = new FakeConnection('alice', 's1');
      hub.add(connection, Date.now() + 5000);
      jest.advanceTimersByTime(4999);
      expect(connection.closedWith).toBeUndefined();
      jest.advanceTimersByTime(1);
      expect(connection.closedWith).toBe('token_expired');
      expect(hub.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('closes every stream on shutdown', () => {
    const connection = new FakeConnection('alice', 's1');
    hub.add(connection, later);
    hub.beforeApplicationShutdown();
    expect(connection.closedWith).toBe('shutdown');
  });
});
