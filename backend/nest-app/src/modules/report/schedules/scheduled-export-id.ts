import { createHash } from 'node:crypto';

/** This module's RFC 4122 name-space (a random UUID, fixed once). */
const NAMESPACE = Buffer.from('6f1c2b7e9a4d4f0b8e3a5c7d9b1e2f40', 'hex');

/**
 * The export id of a scheduled run: a version-5 UUID of the schedule, its dates and format, so that a retried or
 * repeated run of the same period is the same export (one row, one job, one file, one mail).
 */
export function scheduledExportId(scheduleId: string, from: string, to: string, format: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${scheduleId}|${from}|${to}|${format}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
