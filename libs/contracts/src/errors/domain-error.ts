import { categoryOf, type ErrorCategory } from './error-codes';

/**
 * An expected failure with a stable code. Thrown by domain code, translated to HTTP
 * (or to a provider protocol's own status) at the edge, never shown with internals.
 */
export class DomainError extends Error {
  public readonly category: ErrorCategory;

  public constructor(
    public readonly code: string,
    message: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
    this.category = categoryOf(code);
  }
}
