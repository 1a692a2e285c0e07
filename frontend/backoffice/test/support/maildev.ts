import { readEmailCode } from '../../../../backend/nest-app/test/support/sign-in';

/** The sign-in code MailDev received for this address over SMTP (the app's mail job), read through its HTTP API. */
export function emailedCode(email: string): Promise<string> {
  return readEmailCode(email);
}
