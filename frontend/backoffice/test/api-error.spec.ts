import { HttpError } from 'ra-core';
import { ApiError, errorCodeOf } from '../src/api/api-error';

describe('back-office API errors', () => {
  it('reads "message (CODE)" from the ADR 0009 body and stays an ApiError (HttpError resets prototypes)', () => {
    const error = new ApiError(403, { error: { code: 'STAFF_MFA_REQUIRED', message: 'Pass a second factor' } });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(HttpError);
    expect(error.message).toBe('Pass a second factor (STAFF_MFA_REQUIRED)');
    expect(error.status).toBe(403);
    expect(errorCodeOf(error)).toBe('STAFF_MFA_REQUIRED');
  });

  it('names the status when the body is not the API’s', () => {
    const error = new ApiError(502, null);
    expect(error.message).toBe('The server answered 502 (HTTP_502)');
    expect(errorCodeOf(new Error('network'))).toBeUndefined();
  });
});
