/**
 * Failures to inject into the next payment-intent creations, for tests of what the platform does when a PSP's
 * answer is lost or refuses (development only):
 * - `error_after_create`: the intent is created, then the answer is a 500 `api_error` (the outcome is unknown to the
 *   caller; the payment exists and can be paid);
 * - `error_before_create`: a 500 `api_error` and nothing created;
 * - `refuse`: a 400 `invalid_request_error`, nothing created (a definite refusal).
 * As at Stripe, the answer is stored under the request's Idempotency-Key and replayed to every retry with that key.
 */
export type CreateFault = 'error_after_create' | 'error_before_create' | 'refuse';

export const CREATE_FAULTS: readonly CreateFault[] = ['error_after_create', 'error_before_create', 'refuse'];

export class SandboxFaults {
  private readonly createFaults: CreateFault[] = [];
  private down = false;

  /** While on, every API call answers a 500 `api_error` and does nothing (an outage on the PSP's side). */
  public setOutage(on: boolean): void {
    this.down = on;
  }

  public inOutage(): boolean {
    return this.down;
  }

  /** The next `count` payment-intent creations fail with `fault`, in order after any already queued. */
  public failNextCreate(fault: CreateFault, count = 1): void {
    for (let index = 0; index < count; index++) this.createFaults.push(fault);
  }

  /** The fault of this creation, if one is queued. */
  public takeCreateFault(): CreateFault | undefined {
    return this.createFaults.shift();
  }

  public clear(): void {
    this.createFaults.length = 0;
    this.down = false;
  }
}
