import { DomainError } from '@casino/contracts';

/** The OpenAPI description of the `Idempotency-Key` header. */
export const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  required: true,
  description: '1 to 255 characters; a retry with the same key answers the first result',
};

/** The `Idempotency-Key` header: required on payment creation and staff resolution, 1 to 255 printable characters. */
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
