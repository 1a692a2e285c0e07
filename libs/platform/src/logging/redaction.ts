/**
 * Paths pino blanks out of every log line. Anything that authenticates somebody or moves
 * money on their behalf: headers (an `authorization` header also as logged with an outgoing
 * request, `request.headers.authorization`), cookies, tokens, passwords, one-time codes, secrets,
 * and the bodies of mail and SMS jobs (`text`, `html`), which carry one-time codes and sign-in
 * links. Like every field here, only up to two levels below the line (pino has no deep wildcard).
 */
const SENSITIVE_FIELDS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'refreshToken',
  'mfaToken',
  'idToken',
  'code',
  'otp',
  'totp',
  'secret',
  'recoveryCodes',
  'initData',
  'hash',
  'apiKey',
  'privateKey',
  'cardNumber',
  'cvc',
  'text',
  'html',
  'authorization',
  'gatewayToken',
];

export const REDACTED_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  // The gateway's live push takes a browser's access token as the WebSocket subprotocol `bearer.<token>`.
  'req.headers["sec-websocket-protocol"]',
  'req.headers["x-api-key"]',
  'req.headers["x-hub88-signature"]',
  'req.headers["stripe-signature"]',
  'req.headers["x-signature"]',
  'res.headers["set-cookie"]',
  ...SENSITIVE_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];

export const REDACTION_CENSOR = '[REDACTED]';
