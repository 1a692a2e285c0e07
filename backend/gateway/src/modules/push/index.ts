export { PushModule } from './push.module';
export { PushHub } from './push-hub';
export { SessionWatch } from './session-watch';
export { registerPushRoutes, PUSH_ROUTES } from './push-routes';
export { PUSH_PROTOCOL, selectProtocol } from './push-auth.hook';
export { CLOSE_CODES } from './websocket-connection';
export type { PushMessage, BalanceChangedMessage, PaymentStatusChangedMessage } from './push-messages';
