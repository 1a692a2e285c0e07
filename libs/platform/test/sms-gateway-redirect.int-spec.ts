import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpSmsGatewaySender } from '../src/sms/http-sms-gateway.sender';
import { SmsDeliveryError } from '../src/sms/sms-delivery.error';

const CODE = '271828';
const TOKEN = 'sms-gateway-secret-token';
const MESSAGE = { to: '+4915112345888', text: `Your code is ${CODE}`, template: 'phone-change-code' };

interface LocalServer {
  server: Server;
  url: string;
  /** Every request the server received: its headers and body. */
  received: { headers: IncomingHttpHeaders; body: string }[];
}

async function startServer(answer: (response: ServerResponse) => void): Promise<LocalServer> {
  const received: LocalServer['received'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function stop(local: LocalServer | undefined): Promise<void> {
  if (local) await new Promise((resolve) => local.server.close(resolve));
}

describe('HTTP SMS gateway sender and redirects (integration, local HTTP servers)', () => {
  let elsewhere: LocalServer;
  let gateway: LocalServer;
  let status = 307;

  beforeAll(async () => {
    // Where a redirect points: it accepts anything, so a followed redirect would deliver the text there.
    elsewhere = await startServer((response) => response.writeHead(202).end());
    gateway = await startServer((response) =>
      response.writeHead(status, { location: `${elsewhere.url}/stolen/messages` }).end(),
    );
  });

  afterAll(async () => {
    await stop(gateway);
    await stop(elsewhere);
  });

  beforeEach(() => {
    gateway.received.length = 0;
    elsewhere.received.length = 0;
  });

  it.each([307, 308, 301, 302, 303])(
    'refuses a %i with SMS_GATEWAY_REDIRECTED and sends nothing to its Location',
    async (redirect) => {
      status = redirect;
      const sender = new HttpSmsGatewaySender({ gatewayUrl: `${gateway.url}/v1`, gatewayToken: TOKEN });

      const failure: unknown = await sender.send(MESSAGE).then(
        () => undefined,
        (error: unknown) => error,
      );

      expect(failure).toBeInstanceOf(SmsDeliveryError);
      expect(failure).toMatchObject({
        code: 'SMS_GATEWAY_REDIRECTED',
        message: `SMS gateway answered ${redirect}, not followed`,
      });
      expect(gateway.received).toHaveLength(1);
      expect(elsewhere.received).toEqual([]);
      const told = JSON.stringify([(failure as Error).message, (failure as Error).stack]);
      for (const secret of [CODE, TOKEN, elsewhere.url]) expect(told).not.toContain(secret);
    },
  );
});
