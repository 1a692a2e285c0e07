import { HttpError } from 'ra-core';

/** The ADR 0009 error body every API error carries. */
export interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: unknown };
  requestId?: string;
}

/**
 * An API error as react-admin shows it: the notification reads "message (CODE)", so staff can quote the stable
 * code; `status` drives react-admin (401 signs out, 403 stays).
 */
export class ApiError extends HttpError {
  public readonly code: string;

  public constructor(status: number, body: ApiErrorBody | null) {
    const code = body?.error?.code ?? `HTTP_${status}`;
    const message = body?.error?.message ?? `The server answered ${status}`;
    super(`${message} (${code})`, status, body);
    // HttpError resets the prototype to its own, which would make `instanceof ApiError` false.
    Object.setPrototypeOf(this, new.target.prototype);
    this.code = code;
  }
}

export function errorCodeOf(error: unknown): string | undefined {
  return error instanceof ApiError ? error.code : undefined;
}
