import type { Readable } from 'node:stream';

export const OBJECT_STORAGE = Symbol('OBJECT_STORAGE');

/** A key in the storage: lower-case segments of `[a-z0-9._-]` joined by `/`, never `.` or `..`. */
const KEY = /^[a-z0-9][a-z0-9._-]*(\/[a-z0-9][a-z0-9._-]*)*$/;

export function assertStorageKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new Error('Invalid storage key');
  }
}

export interface StoredObject {
  bytes: number;
}

/**
 * Where files of the platform live between the process that writes them (worker-etl's report exports) and the
 * one that serves them (nest-app's downloads). Both apps bind the same implementation to the same place.
 *
 * `write` is atomic: a reader sees the old object, or the whole new one, never a part; a write that fails
 * leaves nothing behind, and writing a key again replaces it (a retried job leaves one file).
 *
 * Implementations: `LocalDirectoryStorage` (a directory both apps see). An S3-compatible implementation
 * (a multipart upload completed only once the stream ends, which S3 makes visible atomically) is the
 * intended one for several hosts; it is not written yet.
 */
export interface ObjectStorage {
  write(key: string, source: Readable): Promise<StoredObject>;
  /** The object's bytes as a stream, or null when there is no such key. */
  openRead(key: string): Promise<{ stream: Readable; bytes: number } | null>;
  exists(key: string): Promise<boolean>;
  /** Removes the key; a missing key is not an error. */
  delete(key: string): Promise<void>;
}
