import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateSync } from '@otplib/totp';
import type { Role } from '../../../../backend/nest-app/src/common/auth/roles';
import { base32, nodeCrypto } from '../../../../backend/nest-app/src/modules/auth/two-factor/otp-plugins';
import { SessionService } from '../../../../backend/nest-app/src/modules/auth/sessions/session.service';
import { UserDirectory, type UserAccount } from '../../../../backend/nest-app/src/modules/user/user-directory';
import { bearer, uniqueEmail } from '../../../../backend/nest-app/test/support/sign-in';

const STEP_SECONDS = 30;

/**
 * A staff account with TOTP enrolled through the real endpoints; the test plays its authenticator app. Each TOTP
 * step is good once, so `nextTotp` hands out codes of steps after the last one used (waiting when the next is
 * more than the one step of drift ahead).
 */
export class StaffMember {
  private lastStep: number;

  public constructor(
    public readonly email: string,
    public readonly userId: string,
    private readonly secret: string,
    usedStep: number,
  ) {
    this.lastStep = usedStep;
  }

  public async nextTotp(): Promise<string> {
    for (;;) {
      const current = currentStep();
      const step = Math.max(current, this.lastStep + 1);
      if (step <= current + 1) {
        this.lastStep = step;
        return codeAt(this.secret, step);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function currentStep(): number {
  return Math.floor(Date.now() / 1000 / STEP_SECONDS);
}

function codeAt(secret: string, step: number): string {
  return generateSync({
    secret,
    epoch: step * STEP_SECONDS,
    digits: 6,
    period: STEP_SECONDS,
    crypto: nodeCrypto,
    base32,
  });
}

async function post(app: NestFastifyApplication, url: string, token: string, payload: object): Promise<unknown> {
  const response = await app.inject({ method: 'POST', url, headers: bearer(token), payload });
  if (response.statusCode >= 300) throw new Error(`${url} answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

const SEED_ORIGIN = { ip: '127.0.0.1', userAgent: 'backoffice-browser-suite' };

/**
 * Enrols TOTP for an account through the real endpoints (setup, enable) from a session the auth module starts
 * for it: no email code is spent, so the browser's sign-in is the address's first (a code per minute at most).
 * Returns that session's access token.
 */
async function enrol(
  app: NestFastifyApplication,
  account: UserAccount,
): Promise<{ member: StaffMember; token: string }> {
  const { accessToken } = await app.get(SessionService).start(account, 'email', SEED_ORIGIN, false);
  const setup = (await post(app, '/api/v1/auth/2fa/totp/setup', accessToken, {})) as { secret: string };
  const member = new StaffMember(account.email ?? '', account.id, setup.secret, currentStep() - 2);
  await post(app, '/api/v1/auth/2fa/totp/enable', accessToken, { code: await member.nextTotp() });
  return { member, token: accessToken };
}

export type StaffRole = Exclude<Role, 'player' | 'admin'>;

export interface StaffTeam {
  admin: StaffMember;
  /** The admin's seeding session (passed TOTP), for setup calls the browser does not make. */
  adminToken: string;
  members: Partial<Record<StaffRole, StaffMember>>;
}

/** An authenticator app holding `secret` (as shown on the enrolment page), none of whose codes were used. */
export function authenticatorFor(email: string, userId: string, secret: string): StaffMember {
  return new StaffMember(email, userId, secret, currentStep() - 2);
}

/** A new account given a staff role by the admin, with no second factor yet: its first sign-in enrols TOTP. */
export async function staffWithoutTotp(
  app: NestFastifyApplication,
  team: StaffTeam,
  role: StaffRole,
): Promise<{ email: string; userId: string }> {
  const email = uniqueEmail(role);
  const { account } = await app.get(UserDirectory).findOrRegisterByEmail(email, SEED_ORIGIN);
  await post(app, `/api/v1/admin/users/${account.id}/roles`, team.adminToken, { role });
  return { email, userId: account.id };
}

/**
 * The suite's staff: the `ADMIN_EMAIL` account (admin from boot) and one new account per other role asked for,
 * granted through the audited roles endpoint by the admin, whose session first passes a TOTP step-up as every
 * staff route requires.
 */
export async function enrolStaff(
  app: NestFastifyApplication,
  adminEmail: string,
  roles: StaffRole[],
): Promise<StaffTeam> {
  const directory = app.get(UserDirectory);
  const { member: admin, token } = await enrol(app, await directory.ensureAdmin(adminEmail));
  await post(app, '/api/v1/auth/2fa/step-up', token, { code: await admin.nextTotp() });
  const members: StaffTeam['members'] = {};
  for (const role of roles) {
    const { account } = await directory.findOrRegisterByEmail(uniqueEmail(role), SEED_ORIGIN);
    const { member } = await enrol(app, account);
    await post(app, `/api/v1/admin/users/${member.userId}/roles`, token, { role });
    members[role] = member;
  }
  return { admin, adminToken: token, members };
}
