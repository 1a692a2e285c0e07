import { Injectable } from '@nestjs/common';

/**
 * Whether this process is draining: it received SIGTERM and is about to stop. `/health/ready` then answers 503
 * at once, so that the gateway and load balancers send it no new requests, while those already sent finish.
 */
@Injectable()
export class Draining {
  private startedAt?: number;

  public start(): void {
    this.startedAt ??= Date.now();
  }

  public get active(): boolean {
    return this.startedAt !== undefined;
  }
}
