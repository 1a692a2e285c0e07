import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WalletAccounts } from './ledger/ledger.types';
import { WalletRepository } from './wallet.repository';

const MAX_CACHED = 100_000;

/**
 * Wallets and their account ids never change once created, so they are cached after the first
 * read (bounded, oldest out first). Only rows read from the database are cached, never guesses.
 */
@Injectable()
export class WalletDirectory {
  private readonly byId = new Map<string, WalletAccounts>();
  private readonly byOwner = new Map<string, string>();

  public constructor(private readonly repository: WalletRepository) {}

  public async resolve(
    walletIds: string[],
    owners: { userId: string; currency: string }[],
    manager?: EntityManager,
  ): Promise<WalletAccounts[]> {
    const found = new Map<string, WalletAccounts>();
    const missingIds = new Set<string>();
    const missingOwners = new Map<string, { userId: string; currency: string }>();
    for (const id of walletIds) {
      const cached = this.byId.get(id);
      if (cached) found.set(id, cached);
      else missingIds.add(id);
    }
    for (const owner of owners) {
      const id = this.byOwner.get(ownerKey(owner.userId, owner.currency));
      const cached = id === undefined ? undefined : this.byId.get(id);
      if (cached) found.set(cached.walletId, cached);
      else missingOwners.set(ownerKey(owner.userId, owner.currency), owner);
    }
    if (missingIds.size > 0 || missingOwners.size > 0) {
      const ids = [...missingIds].filter(isUuid);
      const fetched = await this.repository.findAccounts(
        ids,
        [...missingOwners.values()].filter((owner) => isUuid(owner.userId)),
        manager,
      );
      for (const wallet of fetched) {
        this.remember(wallet);
        found.set(wallet.walletId, wallet);
      }
    }
    return [...found.values()];
  }

  private remember(wallet: WalletAccounts): void {
    if (this.byId.size >= MAX_CACHED) {
      const oldest = this.byId.keys().next().value;
      if (oldest !== undefined) this.byId.delete(oldest);
    }
    this.byId.set(wallet.walletId, wallet);
    this.byOwner.set(ownerKey(wallet.userId, wallet.currency), wallet.walletId);
    if (this.byOwner.size > MAX_CACHED * 2) this.byOwner.clear();
  }
}

function ownerKey(userId: string, currency: string): string {
  return `${userId}\u0000${currency}`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not UUIDs cannot name a wallet; filtering them keeps the uuid casts from failing a batch. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
