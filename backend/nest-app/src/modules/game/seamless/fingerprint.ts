import { createHash } from 'node:crypto';
import type { TransactionCommand } from './game-wallet.types';

/**
 * What makes a retry "the same transaction" (reference §4.2): the kind, player, amount, currency,
 * round, game and reference. Anything else (request_uuid, token, metadata) may differ between retries.
 */
export function fingerprintOf(command: TransactionCommand, userId: string): string {
  const parts = [
    command.kind,
    userId,
    command.kind === 'rollback' ? '' : command.currency,
    command.kind === 'rollback' ? '' : command.amount.toString(),
    command.round ?? '',
    command.kind === 'rollback' ? '' : (command.gameCode ?? ''),
    command.kind === 'bet' ? '' : (command.referenceTransactionId ?? ''),
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
