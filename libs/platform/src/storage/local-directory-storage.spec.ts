import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { LocalDirectoryStorage } from './local-directory-storage';

describe('LocalDirectoryStorage', () => {
  let directory: string;
  let storage: LocalDirectoryStorage;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'storage-spec-'));
    storage = new LocalDirectoryStorage(directory);
  });

  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('writes a stream under its key and reads it back, with its size', async () => {
    expect(await storage.write('exports/a.csv', Readable.from(['one,', 'two\n']))).toEqual({ bytes: 8 });
    expect(await storage.exists('exports/a.csv')).toBe(true);
    const opened = await storage.openRead('exports/a.csv');
    expect(opened?.bytes).toBe(8);
    expect(await text(opened?.stream ?? Readable.from([]))).toBe('one,two\n');
  });

  it('replaces the object when the key is written again, leaving one file', async () => {
    await storage.write('exports/a.csv', Readable.from(['first']));
    await storage.write('exports/a.csv', Readable.from(['second']));
    expect(await readdir(join(directory, 'exports'))).toEqual(['a.csv']);
    expect(await readFile(join(directory, 'exports/a.csv'), 'utf8')).toBe('second');
  });

  it('leaves no file, and the previous object intact, when the stream fails half way', async () => {
    await storage.write('exports/a.csv', Readable.from(['previous']));
    async function* failing(): AsyncGenerator<string> {
      yield 'half a file';
      throw new Error('source broke');
    }
    await expect(storage.write('exports/a.csv', Readable.from(failing()))).rejects.toThrow('source broke');
    await expect(storage.write('exports/b.csv', Readable.from(failing()))).rejects.toThrow('source broke');
    expect(await readdir(join(directory, 'exports'))).toEqual(['a.csv']);
    expect(await readFile(join(directory, 'exports/a.csv'), 'utf8')).toBe('previous');
  });

  it('answers null and false for a missing key, and deletes idempotently', async () => {
    expect(await storage.openRead('exports/none.csv')).toBeNull();
    expect(await storage.exists('exports/none.csv')).toBe(false);
    await storage.write('exports/a.csv', Readable.from(['x']));
    await storage.delete('exports/a.csv');
    await storage.delete('exports/a.csv');
    expect(await storage.exists('exports/a.csv')).toBe(false);
  });

  it.each(['../etc/passwd', 'exports/../../x', '/abs', 'Exports/A.csv', 'exports//a', ''])(
    'refuses the key %p',
    async (key) => {
      await expect(storage.exists(key)).rejects.toThrow('Invalid storage key');
    },
  );
});
