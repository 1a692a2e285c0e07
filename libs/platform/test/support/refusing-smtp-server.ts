import { createServer, type AddressInfo, type Socket } from 'node:net';

/** The step a `RefusingSmtpServer` refuses. */
export type SmtpRefusal = 'login' | 'recipient' | 'message';

export interface RefusingSmtpServer {
  port: number;
  /** How many times it has refused so far (one per delivery attempt). */
  refusals(): number;
  close(): Promise<void>;
}

const ENHANCED_STATUS: Record<SmtpRefusal, [permanent: string, transient: string]> = {
  login: ['5.7.8', '4.7.0'],
  recipient: ['5.1.1', '4.2.0'],
  message: ['5.7.1', '4.3.0'],
};

/**
 * A minimal SMTP server that refuses one step with `replyCode` (e.g. 550, or 451 to defer), echoing what
 * it was sent the way real servers do: the login (user and password), the recipient, or the whole message
 * (headers and text, after DATA).
 */
export async function startRefusingSmtpServer(refuse: SmtpRefusal, replyCode: number): Promise<RefusingSmtpServer> {
  let refusals = 0;
  const status = ENHANCED_STATUS[refuse][replyCode >= 500 ? 0 : 1];
  const refusal = (echo: string): string => {
    refusals += 1;
    return `${replyCode} ${status} ${echo}`;
  };
  const server = createServer((socket) => smtpSession(socket, refuse, refusal));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    refusals: () => refusals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The reply to one command outside DATA; `refusal` builds the refusing reply from what it echoes. */
function answer(command: string, refuse: SmtpRefusal, refusal: (echo: string) => string): string {
  const verb = command.split(' ')[0]?.toUpperCase();
  switch (verb) {
    case 'EHLO':
      return '250-refusing.test\r\n250 AUTH PLAIN';
    case 'AUTH': {
      const [, user, password] = Buffer.from(command.split(' ')[2] ?? '', 'base64')
        .toString('utf8')
        .split('\0');
      return refuse === 'login' ? refusal(`Authentication failed for ${user} (${password})`) : '235 2.7.0 Accepted';
    }
    case 'RCPT':
      return refuse === 'recipient' ? refusal(`${command.slice(8)}: Recipient address rejected`) : '250 2.1.5 Ok';
    case 'DATA':
      return '354 End data with <CR><LF>.<CR><LF>';
    case 'QUIT':
      return '221 2.0.0 Bye';
    default:
      return '250 Ok';
  }
}

function smtpSession(socket: Socket, refuse: SmtpRefusal, refusal: (echo: string) => string): void {
  let buffered = '';
  let message: string[] | null = null;
  const handle = (line: string): string | null => {
    if (message === null) {
      if (/^DATA$/i.test(line)) message = [];
      return answer(line, refuse, refusal);
    }
    if (line !== '.') {
      message.push(line);
      return null;
    }
    const echo = message.join(' ');
    message = null;
    return refuse === 'message' ? refusal(`Message refused: ${echo}`) : '250 2.0.0 Queued';
  };
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
      const reply = handle(buffered.slice(0, end));
      buffered = buffered.slice(end + 2);
      if (reply !== null) socket.write(`${reply}\r\n`);
    }
  });
  socket.on('error', () => undefined);
  socket.write('220 refusing.test ESMTP\r\n');
}
