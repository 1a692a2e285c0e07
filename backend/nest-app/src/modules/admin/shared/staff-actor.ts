import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import type { RequestOrigin } from '../../../common/http/request-origin';

/** Who does a staff action, from where: what every audit record of this module names. */
export interface StaffActor {
  user: AuthenticatedUser;
  origin: RequestOrigin;
}
