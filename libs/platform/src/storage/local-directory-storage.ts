import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertStorageKey, type ObjectStorage, type StoredObject } from './object-storage';

/**
 * `ObjectStorage` in a local directory. A write goes to a temporary file beside its target (`<key>.<random>.tmp`),
 * is flushed to disk, then renamed over the target: rename within one directory is atomic on POSIX file systems.
 */
export class LocalDirectoryStorage implements ObjectStorage {
  public constructor(private readonly directory: string) {}

  public async write(key: string, source: Readable): Promise<StoredObject> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await pipeline(source, createWriteStream(temporary, { flags: 'wx' }));
      await syncFile(temporary);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { bytes: (await stat(target)).size };
  }

  public async openRead(key: string): Promise<{ stream: Readable; bytes: number } | null> {
    const path = this.pathOf(key);
    const handle = await open(path, 'r').catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    });
    if (!handle) return null;
    const { size } = await handle.stat();
    return { stream: handle.createReadStream({ autoClose: true }), bytes: size };
  }

  public async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      (found) => found.isFile(),
      (error: unknown) => {
        if (isMissing(error)) return false;
        throw error;
      },
    );
  }

  public async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  private pathOf(key: string): string {
    assertStorageKey(key);
    return join(this.directory, key);
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}
