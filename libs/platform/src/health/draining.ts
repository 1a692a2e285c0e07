import { Injectable } from '@nestjs/common';

/**
 * Whether this process is draining: it received SIGTERM and is about to stop. `/health/ready` then answers 503
 * at once, so that the gateway and load balancers send it no new requests, while those already sent finish.
 */
@Injectable()
export class Draining {
  private draining = false;

  public start(): void {
    this.draining = true;
  }

  public get active(): boolean {
    return this.draining;
  }
}
