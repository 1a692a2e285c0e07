/** The auth module's public face: what other modules may import. */
export { AuthModule } from './auth.module';
export { SessionService } from './sessions/session.service';
export type { SessionRecord } from './sessions/session.store';
export { SecurityEventRepository, type SecurityEvent } from './security-events/security-event.repository';
