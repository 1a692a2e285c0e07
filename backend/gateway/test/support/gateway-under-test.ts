import { isolatedSettings } from '@casino/platform/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import { request, type Dispatcher } from 'undici';
import { createGatewayApp } from '../../src/bootstrap';
import { loadGatewayConfig } from '../../src/config/load-gateway-config';
import { UpstreamHealthChecker } from '../../src/modules/routing';

/** A gateway listening on a loopback port of its own, as clients reach it. */
export class GatewayUnderTest {
  private constructor(
    public readonly app: NestFastifyApplication,
    public readonly url: string,
  ) {}

  public static async start(id: string, settings: Record<string, string>): Promise<GatewayUnderTest> {
    const app = await createGatewayApp(loadGatewayConfig({ ...isolatedSettings(id), ...settings }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new GatewayUnderTest(app, `http://127.0.0.1:${port}`);
  }

  /** Runs one round of readiness checks now instead of waiting for the interval. */
  public async checkUpstreams(): Promise<void> {
    await this.app.get(UpstreamHealthChecker).checkAll();
  }

  public async send(
    method: Dispatcher.HttpMethod,
    path: string,
    options: { headers?: Record<string, string>; body?: string | Buffer; fromAddress?: string } = {},
  ): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    text: string;
    json: <T = Record<string, unknown>>() => T;
  }> {
    if (options.fromAddress) return this.sendFrom(options.fromAddress, method, path, options);
    const response = await request(`${this.url}${path}`, { method, headers: options.headers, body: options.body });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      headers: response.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  /** A request from another loopback address than the gateway's own (127.0.0.1), as a client elsewhere. */
  private sendFrom(
    localAddress: string,
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: string | Buffer },
  ): ReturnType<GatewayUnderTest['send']> {
    return new Promise((resolve, reject) => {
      const headers = options.headers ?? {};
      const outgoing = httpRequest(`${this.url}${path}`, { localAddress, method, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          }),
        );
      });
      outgoing.on('error', reject);
      outgoing.end(options.body);
    });
  }

  public async close(): Promise<void> {
    await this.app.close();
  }
}
