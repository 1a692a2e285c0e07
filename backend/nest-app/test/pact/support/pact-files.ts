import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The committed pact files: written by the consumer tests, read by the provider verification. */
export const PACTS_DIR = join(__dirname, '../../fixtures/pacts');

// The Pact core sends anonymous usage metrics over the network unless this is set; these tests stay offline.
process.env['PACT_DO_NOT_TRACK'] = 'true';

/**
 * Where a consumer test lets Pact write: a fresh folder beside the committed files (so that nothing
 * stale is merged in), moved over the committed file in one atomic rename once every interaction
 * passed, so that a verification running at the same time never reads a half-written pact.
 */
export class PactOutput {
  public readonly dir: string;

  public constructor() {
    mkdirSync(PACTS_DIR, { recursive: true });
    this.dir = mkdtempSync(join(PACTS_DIR, '.writing-'));
  }

  /** Replaces the committed pact with the one just written; false when there is none to publish. */
  public publish(fileName: string): boolean {
    const written = join(this.dir, fileName);
    if (!existsSync(written)) return false;
    renameSync(written, join(PACTS_DIR, fileName));
    return true;
  }

  public dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
