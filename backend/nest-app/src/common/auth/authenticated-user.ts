import type { Role } from './roles';

/** Who is calling, as the auth guard established it from a live session's access token. */
export interface AuthenticatedUser {
  userId: string;
  roles: Role[];
  /** The session id (`sid` claim); ending the session ends its access tokens at once. */
  sessionId: string;
  /** The session passed a second factor (at sign-in or by a step-up); staff routes need it (ADR 0018). */
  secondFactor?: boolean;
  /** Which factor it was (`totp`, `sms`, `recovery-code`), when known. */
  secondFactorKind?: string | null;
}
