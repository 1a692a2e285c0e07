import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signHub88, verifyHub88 } from '../../../src/modules/game/hub88/hub88-signature';

export interface FakeHub88Game {
  game_code: string;
  name: string;
  category: string;
  url_thumb?: string;
  rtp?: number;
  volatility?: number | string;
  blocked_countries?: string[];
  demo_game_support?: boolean;
  enabled?: boolean;
  freebet_support?: boolean;
}

export interface LaunchCall {
  body: Record<string, unknown>;
}

/**
 * Stands in for Hub88: its own key pair signs wallet calls; its games API (`/operator/generic/v2/game/list`
 * and `/game/url`) checks our signature with the operator public key and remembers each launch's token.
 */
export class FakeHub88 {
  public readonly hub88Keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  public readonly operatorKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  public readonly launches: LaunchCall[] = [];
  public games: FakeHub88Game[] = [];
  public unsignedCalls = 0;
  private server?: Server;
  private readonly directory = mkdtempSync(join(tmpdir(), 'fake-hub88-'));
  public url = '';

  public async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const signature = request.headers['x-hub88-signature'];
        if (!verifyHub88(raw, typeof signature === 'string' ? signature : undefined, this.operatorKeys.publicKey)) {
          this.unsignedCalls += 1;
          response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid signature"}');
          return;
        }
        const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        response.writeHead(200, { 'content-type': 'application/json' });
        if (request.url === '/operator/generic/v2/game/list') response.end(JSON.stringify(this.games));
        else if (request.url === '/operator/generic/v2/game/url') {
          this.launches.push({ body });
          response.end(
            JSON.stringify({
              url: `https://games.example.test/${String(body['game_code'])}?t=${this.launches.length}`,
            }),
          );
        } else response.writeHead(404).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.directory, { recursive: true, force: true });
  }

  /** Settings that make nest-app trust this fake (HUB88_* override the hub88 provider record at start). */
  public settings(): Record<string, string> {
    const publicKeyFile = join(this.directory, 'hub88-public.pem');
    const privateKeyFile = join(this.directory, 'operator-private.pem');
    writeFileSync(publicKeyFile, this.hub88Keys.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(privateKeyFile, this.operatorKeys.privateKey.export({ type: 'pkcs1', format: 'pem' }));
    return {
      HUB88_PUBLIC_KEY_FILE: publicKeyFile,
      HUB88_OPERATOR_PRIVATE_KEY_FILE: privateKeyFile,
      HUB88_OPERATOR_ID: '7',
      HUB88_API_URL: this.url,
    };
  }

  /** The token of the last launch of this player (what real Hub88 would carry into the game). */
  public tokenOf(userId: string): string {
    const launch = [...this.launches].reverse().find((call) => call.body['user'] === userId);
    const token = launch?.body['token'];
    if (typeof token !== 'string') throw new Error(`no launch for ${userId}`);
    return token;
  }

  public sign(raw: string, key: KeyObject = this.hub88Keys.privateKey): string {
    return signHub88(raw, key);
  }
}
