import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ProviderProtocol, ProviderStatus } from './provider.types';

export interface ProviderRow {
  id: string;
  code: string;
  name: string;
  protocol: ProviderProtocol;
  status: ProviderStatus;
  apiBaseUrl: string | null;
  currencies: string[];
  credentialsEncrypted: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewProvider {
  code: string;
  name: string;
  protocol: ProviderProtocol;
  status: ProviderStatus;
  apiBaseUrl: string | null;
  currencies: string[];
  credentialsEncrypted: string | null;
}

export type ProviderChanges = Partial<Omit<NewProvider, 'code' | 'protocol'>>;

const COLUMNS = `id, code, name, protocol, status, api_base_url AS "apiBaseUrl", currencies,
  credentials_encrypted AS "credentialsEncrypted", created_at AS "createdAt", updated_at AS "updatedAt"`;

const CHANGE_COLUMNS: Record<keyof ProviderChanges, string> = {
  name: 'name',
  status: 'status',
  apiBaseUrl: 'api_base_url',
  currencies: 'currencies',
  credentialsEncrypted: 'credentials_encrypted',
};

/** The game provider registry. */
@Injectable()
export class ProvidersRepository {
  public constructor(private readonly dataSource: DataSource) {}

  public async findByCode(code: string, manager: EntityManager = this.dataSource.manager): Promise<ProviderRow | null> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM game_providers WHERE code = $1`, [
      code,
    ])) as ProviderRow[];
    return rows[0] ?? null;
  }

  public async findById(id: string): Promise<ProviderRow | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM game_providers WHERE id = $1`, [
      id,
    ])) as ProviderRow[];
    return rows[0] ?? null;
  }

  public async list(): Promise<ProviderRow[]> {
    return (await this.dataSource.query(`SELECT ${COLUMNS} FROM game_providers ORDER BY code`)) as ProviderRow[];
  }

  public async listActive(): Promise<ProviderRow[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM game_providers WHERE status = 'active' ORDER BY code`,
    )) as ProviderRow[];
  }

  /** Null when the code is taken. */
  public async insert(provider: NewProvider, manager: EntityManager): Promise<ProviderRow | null> {
    const rows = (await manager.query(
      `INSERT INTO game_providers (code, name, protocol, status, api_base_url, currencies, credentials_encrypted)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING RETURNING ${COLUMNS}`,
      [
        provider.code,
        provider.name,
        provider.protocol,
        provider.status,
        provider.apiBaseUrl,
        provider.currencies,
        provider.credentialsEncrypted,
      ],
    )) as ProviderRow[];
    return rows[0] ?? null;
  }

  public async update(code: string, changes: ProviderChanges, manager: EntityManager): Promise<ProviderRow | null> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined) as [
      keyof ProviderChanges,
      unknown,
    ][];
    const sets = entries.map(([key], index) => `${CHANGE_COLUMNS[key]} = $${index + 2}`);
    const rows = (await manager.query(
      `UPDATE game_providers SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE code = $1 RETURNING ${COLUMNS}`,
      [code, ...entries.map(([, value]) => value)],
    )) as [ProviderRow[], number];
    return rows[0][0] ?? null;
  }
}
