/** The user module's public face: what other modules may import. */
export { UserModule } from './user.module';
export { UsersService } from './users.service';
export { KycService } from './kyc/kyc.service';
export { RgSettingsService } from './responsible-gaming/rg-settings.service';
export { ResponsibleGamingService } from './responsible-gaming/responsible-gaming.service';
export type { UserRecord, UserStatus } from './user.types';
