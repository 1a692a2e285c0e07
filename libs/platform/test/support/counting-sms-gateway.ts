import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingSmsGateway {
  url: string;
  /** How many texts it has been sent so far (one per delivery attempt). */
  requests(): number;
  close(): Promise<void>;
}

/** A local SMS gateway that answers every text with `status`, echoing the request the way gateways do. */
export async function startCountingSmsGateway(status: number): Promise<CountingSmsGateway> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const echo = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
