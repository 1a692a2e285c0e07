import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPS = resolve(__dirname, '..', '..', '..', 'ops', 'prometheus');

/** promtool's exit code and output (npm test installs it: scripts/services.sh --promtool). */
async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: OPS });
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
