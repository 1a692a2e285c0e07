import { DomainError } from '@casino/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../../common/audit/audit-log';
import type { AuthenticatedUser } from '../../../common/auth/authenticated-user';
import { Clock } from '../../../common/time/clock';
import { ProviderCredentialsCipher } from './provider-credentials.cipher';
import { privateKeyFromPem, publicKeyFromPem } from '../hub88/hub88-signature';
import type {
  ProviderCredentials,
  ProviderProtocol,
  ProviderRecord,
  ProviderRuntime,
  ProviderStatus,
} from './provider.types';
import { ProvidersRepository, type ProviderChanges, type ProviderRow } from './providers.repository';

export interface CreateProvider {
  code: string;
  name: string;
  protocol: ProviderProtocol;
  status?: ProviderStatus;
  apiBaseUrl?: string | null;
  currencies?: string[];
  credentials?: ProviderCredentials;
}

export type UpdateProvider = Partial<Omit<CreateProvider, 'code' | 'protocol'>>;

export interface Actor {
  user: AuthenticatedUser | null;
  requestId?: string;
}

/** How long a provider's opened credentials are reused before the registry is read again. */
const RUNTIME_CACHE_MS = 5_000;

/** The registry of game providers: staff manage it, adapters and API clients read it with secrets opened. */
@Injectable()
export class ProvidersService {
  private readonly cache = new Map<string, { runtime: ProviderRuntime; loadedAt: number }>();

  public constructor(
    private readonly dataSource: DataSource,
    private readonly providers: ProvidersRepository,
    private readonly cipher: ProviderCredentialsCipher,
    private readonly auditLog: AuditLog,
    private readonly clock: Clock,
  ) {}

  public async list(): Promise<ProviderRecord[]> {
    return (await this.providers.list()).map((row) => this.toRecord(row));
  }

  public async get(code: string): Promise<ProviderRecord> {
    return this.toRecord(await this.requireRow(code));
  }

  public async create(input: CreateProvider, actor: Actor): Promise<ProviderRecord> {
    const row = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.providers.insert(
        {
          code: input.code,
          name: input.name,
          protocol: input.protocol,
          status: input.status ?? 'active',
          apiBaseUrl: input.apiBaseUrl ?? null,
          currencies: input.currencies ?? [],
          credentialsEncrypted: input.credentials ? this.seal(input.credentials, input.code) : null,
        },
        manager,
      );
      if (!inserted)
        throw new DomainError('GAME_PROVIDER_EXISTS', 'A provider with this code exists', { code: input.code });
      await this.audit('game.provider.create', inserted, describe(input), actor, manager);
      return inserted;
    });
    return this.toRecord(row);
  }

  /** Credentials given here replace the stored ones key by key; the others stay. */
  public async update(code: string, input: UpdateProvider, actor: Actor): Promise<ProviderRecord> {
    const row = await this.dataSource.transaction(async (manager) => {
      const current = await this.providers.findByCode(code, manager);
      if (!current) throw new DomainError('GAME_PROVIDER_NOT_FOUND', 'No such provider', { code });
      const changes: ProviderChanges = {
        name: input.name,
        status: input.status,
        apiBaseUrl: input.apiBaseUrl,
        currencies: input.currencies,
      };
      if (input.credentials) {
        changes.credentialsEncrypted = this.seal({ ...this.openRow(current), ...input.credentials }, code);
      }
      const updated = await this.providers.update(code, changes, manager);
      if (!updated) throw new DomainError('GAME_PROVIDER_NOT_FOUND', 'No such provider', { code });
      await this.audit('game.provider.update', updated, describe(input), actor, manager);
      return updated;
    });
    this.cache.delete(code);
    return this.toRecord(row);
  }

  /** The provider with its credentials opened; cached for a few seconds. */
  public async runtime(code: string): Promise<ProviderRuntime | null> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(code);
    if (cached && now - cached.loadedAt < RUNTIME_CACHE_MS) return cached.runtime;
    const row = await this.providers.findByCode(code);
    if (!row) return null;
    const runtime = this.toRuntime(row);
    this.cache.set(code, { runtime, loadedAt: now });
    return runtime;
  }

  public async activeRuntimes(): Promise<ProviderRuntime[]> {
    return (await this.providers.listActive()).map((row) => this.toRuntime(row));
  }

  private toRuntime(row: ProviderRow): ProviderRuntime {
    const credentials = this.openRow(row);
    return {
      ...this.toRecord(row),
      publicKey: credentials.publicKeyPem ? publicKeyFromPem(credentials.publicKeyPem) : null,
      operatorPrivateKey: credentials.operatorPrivateKeyPem
        ? privateKeyFromPem(credentials.operatorPrivateKeyPem)
        : null,
      operatorId: credentials.operatorId ?? null,
      hmacSecret: credentials.hmacSecret ?? null,
    };
  }

  private async requireRow(code: string): Promise<ProviderRow> {
    const row = await this.providers.findByCode(code);
    if (!row) throw new DomainError('GAME_PROVIDER_NOT_FOUND', 'No such provider', { code });
    return row;
  }

  private seal(credentials: ProviderCredentials, code: string): string {
    return this.cipher.seal(JSON.stringify(credentials), code);
  }

  private openRow(row: ProviderRow): ProviderCredentials {
    return row.credentialsEncrypted
      ? (JSON.parse(this.cipher.open(row.credentialsEncrypted, row.code)) as ProviderCredentials)
      : {};
  }

  private toRecord(row: ProviderRow): ProviderRecord {
    const credentials = this.openRow(row);
    const { credentialsEncrypted: _sealed, ...rest } = row;
    return {
      ...rest,
      credentialKeys: (Object.keys(credentials) as (keyof ProviderCredentials)[]).filter((key) =>
        Boolean(credentials[key]),
      ),
    };
  }

  private async audit(
    action: string,
    row: ProviderRow,
    details: Record<string, unknown>,
    actor: Actor,
    manager: Parameters<AuditLog['record']>[1],
  ): Promise<void> {
    await this.auditLog.record(
      {
        actorId: actor.user?.userId ?? null,
        actorRoles: actor.user?.roles ?? [],
        action,
        targetType: 'game_provider',
        targetId: row.code,
        requestId: actor.requestId,
        details,
      },
      manager,
    );
  }
}

/** What an admin change touched, with credential names but never their values. */
function describe(input: UpdateProvider & Partial<Pick<CreateProvider, 'protocol'>>): Record<string, unknown> {
  const { credentials, ...rest } = input;
  return { ...rest, ...(credentials ? { credentialsChanged: Object.keys(credentials) } : {}) };
}
