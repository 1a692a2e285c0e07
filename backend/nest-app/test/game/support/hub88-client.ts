import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID, type KeyObject } from 'node:crypto';
import type { FakeHub88 } from './fake-hub88';

export interface Hub88Answer {
  httpStatus: number;
  body: { status: string; request_uuid?: string; balance?: number; user?: string; currency?: string; country?: string };
}

/** Plays Hub88 against the operator: compact JSON, signed over exactly the bytes sent (reference §3). */
export class Hub88Client {
  public constructor(
    private readonly app: NestFastifyApplication,
    private readonly hub88: FakeHub88,
    private readonly providerCode = 'hub88',
  ) {}

  public async call(
    path: string,
    body: Record<string, unknown>,
    options: { signature?: string | null; key?: KeyObject; rawOverride?: string } = {},
  ): Promise<Hub88Answer> {
    const raw = JSON.stringify({ request_uuid: randomUUID(), ...body });
    const signature = options.signature === undefined ? this.hub88.sign(raw, options.key) : options.signature;
    const response = await this.app.inject({
      method: 'POST',
      url: `/api/v1/providers/${this.providerCode}/${path}`,
      headers: {
        'content-type': 'application/json',
        ...(signature === null ? {} : { 'x-hub88-signature': signature }),
      },
      payload: options.rawOverride ?? raw,
    });
    return { httpStatus: response.statusCode, body: response.json<Hub88Answer['body']>() };
  }
}
