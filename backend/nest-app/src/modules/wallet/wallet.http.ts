import { DomainError } from '@casino/contracts';

const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,200}$/;

/** The `Idempotency-Key` header of a money-moving request: required, 8 to 200 safe characters. */
export function requireIdempotencyKey(header: string | undefined): string {
  if (header === undefined || !IDEMPOTENCY_KEY_PATTERN.test(header)) {
    throw new DomainError('VALIDATION_FAILED', 'The Idempotency-Key header is required', {
      fields: [{ field: 'Idempotency-Key', problems: ['must be 8 to 200 characters of A-Z a-z 0-9 . _ : -'] }],
    });
  }
  return header;
}
