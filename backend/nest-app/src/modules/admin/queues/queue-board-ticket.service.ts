import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { hasPermission } from '../../../common/auth/staff-permissions';
import { AppConfig } from '../../../config/app-config';
import { SessionService } from '../../auth';

export const QUEUE_BOARD_PATH = '/admin/queues';
export const QUEUE_BOARD_COOKIE = 'casino_queue_board';
/** A ticket lives this long; the board's page asks for a new one (from the back office) when it has expired. */
export const QUEUE_BOARD_TICKET_SECONDS = 600;
/** Not the access tokens' audience: neither kind of token is accepted in the other's place. */
const TICKET_AUDIENCE = 'casino-queue-board';
const TICKET_ALGORITHM = 'HS256';

export type TicketCheck = 'ok' | 'unauthenticated' | 'forbidden';

/**
 * The queue board's cookie (ADR 0027): a short-lived signed ticket naming the staff member and their session. Each
 * request to the board checks the signature and expiry, then that the session is still alive, passed a second factor
 * and still holds `queues.view`: ending the session or revoking the role closes the board at once.
 */
@Injectable()
export class QueueBoardTicketService {
  private readonly jwt = new JwtService();

  public constructor(
    private readonly config: AppConfig,
    private readonly sessions: SessionService,
  ) {}

  public issue(user: AuthenticatedUser): Promise<string> {
    return this.jwt.signAsync(
      { sid: user.sessionId },
      {
        subject: user.userId,
        audience: TICKET_AUDIENCE,
        expiresIn: QUEUE_BOARD_TICKET_SECONDS,
        algorithm: TICKET_ALGORITHM,
        secret: this.config.JWT_SECRET,
      },
    );
  }

  public cookieFor(ticket: string): string {
    const secure = this.config.isProduction ? '; Secure' : '';
    return `${QUEUE_BOARD_COOKIE}=${ticket}; Path=${QUEUE_BOARD_PATH}; Max-Age=${QUEUE_BOARD_TICKET_SECONDS}; HttpOnly; SameSite=Strict${secure}`;
  }

  public async check(cookieHeader: string | undefined): Promise<TicketCheck> {
    const ticket = ticketIn(cookieHeader);
    if (!ticket) return 'unauthenticated';
    let claims: { sub?: unknown; sid?: unknown };
    try {
      claims = await this.jwt.verifyAsync(ticket, {
        secret: this.config.JWT_SECRET,
        audience: TICKET_AUDIENCE,
        algorithms: [TICKET_ALGORITHM],
      });
    } catch {
      return 'unauthenticated';
    }
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return 'unauthenticated';
    const live = await this.sessions.live(claims.sid, claims.sub);
    if (!live) return 'unauthenticated';
    return live.mfaAt !== null && hasPermission(live.roles, 'queues.view') ? 'ok' : 'forbidden';
  }
}

function ticketIn(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === QUEUE_BOARD_COOKIE) return value.join('=');
  }
  return undefined;
}
