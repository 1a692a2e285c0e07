import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const APP_DIR = resolve(__dirname, '../..');
const VITE = resolve(APP_DIR, '../../node_modules/.bin/vite');

/**
 * Builds the back office as `npm start` does, into a folder of the suite's own (BACKOFFICE_DIST_DIR), so the
 * browser drives exactly this commit's code and no other run's build.
 */
export function buildBackoffice(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'backoffice-dist-'));
  // Suites build at once in Jest's workers, each into its own folder: Vite's one-build-per-project lock is not needed.
  execFileSync(VITE, ['build', '--outDir', outDir, '--emptyOutDir', '--bypass-lock', '--logLevel', 'warn'], {
    cwd: APP_DIR,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return outDir;
}
