import { loadWorkerConfig } from './load-worker-config';

describe('worker-etl report export settings', () => {
  it('hands the export module its directory, time limit and ClickHouse connection', () => {
    const config = loadWorkerConfig({ REPORT_EXPORT_DIR: '/srv/exports', REPORT_EXPORT_MAX_EXECUTION_SECONDS: '60' });
    expect(config.reportExports).toMatchObject({ directory: '/srv/exports', maxExecutionSeconds: 60 });
    expect(config.reportExports.clickhouse.url).toBe(config.CLICKHOUSE_URL);
  });

  it.each([
    ['REPORT_EXPORT_DIR', 'relative/exports', 'REPORT_EXPORT_DIR must be an absolute directory'],
    ['REPORT_EXPORT_MAX_EXECUTION_SECONDS', '0', 'REPORT_EXPORT_MAX_EXECUTION_SECONDS'],
    ['REPORT_EXPORT_MAX_EXECUTION_SECONDS', 'soon', 'REPORT_EXPORT_MAX_EXECUTION_SECONDS'],
    ['REPORT_EXPORTS_ENABLED', 'maybe', 'REPORT_EXPORTS_ENABLED'],
  ])('refuses %s=%p at boot, naming it', (setting, value, message) => {
    expect(() => loadWorkerConfig({ [setting]: value })).toThrow(message);
  });
});
