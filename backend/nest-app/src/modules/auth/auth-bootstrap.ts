import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { UserDirectory } from '../user/user-directory';

/** At start, the account of `ADMIN_EMAIL` exists and has the admin role. */
@Injectable()
export class AuthBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AuthBootstrap.name);

  public constructor(
    private readonly users: UserDirectory,
    private readonly config: AppConfig,
  ) {}

  public async onApplicationBootstrap(): Promise<void> {
    const admin = await this.users.ensureAdmin(this.config.ADMIN_EMAIL);
    this.logger.log({ userId: admin.id }, 'Admin account ensured');
  }
}
