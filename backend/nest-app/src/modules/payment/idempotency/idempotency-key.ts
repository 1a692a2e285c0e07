import { DomainError } from '@casino/contracts';

/** The `Idempotency-Key` header: required on payment creation, 1 to 255 printable characters. */
export function idempotencyKeyOf(header: string | undefined): string {
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(header)) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'The Idempotency-Key header is required (1 to 255 printable characters)',
      {
        fields: [{ field: 'Idempotency-Key', problems: ['must be 1 to 255 printable characters'] }],
      },
    );
  }
  return header;
}
