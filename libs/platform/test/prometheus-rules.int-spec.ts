import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DisposablePrometheus, eventually } from '../src/testing/test-resources';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', '..');
const OPS = resolve(ROOT, 'ops', 'prometheus');

/** promtool's exit code and output (npm test installs it: scripts/services.sh --promtool). */
async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  return promtoolIn(OPS, ...args);
}

async function promtoolIn(cwd: string, ...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (failed.code === 'ENOENT') throw new Error('promtool is missing: run `bash scripts/services.sh --promtool`');
    return { code: Number(failed.code ?? 1), output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('Prometheus configuration and alert rules (promtool)', () => {
  it('the scrape config and the rules it loads are valid', async () => {
    const config = await promtool('check', 'config', 'prometheus.yml');
    expect(config).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') as string });
    const rules = await promtool('check', 'rules', 'alerts.yml');
    expect(rules).toEqual({ code: 0, output: expect.stringMatching(/SUCCESS: \d+ rules found/) as string });
  });

  it('every alert behaves as its unit tests say (alerts.test.yml)', async () => {
    const tests = await promtool('test', 'rules', 'alerts.test.yml');
    expect(tests).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') as string });
  });
});

/**
 * `npm start` with API_INSTANCES=N writes the other instances' targets where ops/prometheus/prometheus.yml's file-based
 * discovery reads them (scripts/lib.sh `write_prometheus_targets`); a real Prometheus with the shipped config, in a
 * copy of the repository's layout, scrapes each instance in the nest-app job.
 */
describe('Prometheus scrapes every nest-app instance of npm start', () => {
  const root = mkdtempSync(join(tmpdir(), 'prometheus-layout-'));
  const config = join(root, 'ops', 'prometheus');
  let prometheus: DisposablePrometheus | undefined;

  beforeAll(() => {
    mkdirSync(config, { recursive: true });
    for (const file of ['prometheus.yml', 'alerts.yml']) copyFileSync(join(OPS, file), join(config, file));
  });

  afterAll(async () => {
    await prometheus?.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  async function writeTargets(instances: number): Promise<void> {
    const targets = join(root, '.run', 'prometheus', 'nest-app-instances.json');
    await run('bash', ['-c', `source scripts/lib.sh && write_prometheus_targets ${instances} '${targets}'`], {
      cwd: ROOT,
    });
  }

  it('finds the targets of three instances, valid for promtool, and follows a change without a reload', async () => {
    await writeTargets(3);
    const checked = await promtoolIn(config, 'check', 'config', 'prometheus.yml');
    expect(checked).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') as string });
    expect(checked.output).not.toContain('WARNING');

    prometheus = await DisposablePrometheus.withConfig(join(config, 'prometheus.yml'));
    const scraped = async (): Promise<string[]> =>
      (await (prometheus as DisposablePrometheus).targets())
        .filter((target) => target.labels['job'] === 'nest-app')
        .map((target) => target.labels['instance'] ?? '')
        .sort();
    await eventually(async () => (await scraped()).length === 3, 15_000, 200);
    expect(await scraped()).toEqual(['127.0.0.1:3000', '127.0.0.1:3002', '127.0.0.1:3003']);

    await writeTargets(1);
    await eventually(async () => (await scraped()).length === 1, 15_000, 200);
    expect(await scraped()).toEqual(['127.0.0.1:3000']);
  }, 45_000);
});
