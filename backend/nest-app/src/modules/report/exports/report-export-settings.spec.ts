import { loadAppConfig } from '../../../config/load-app-config';

describe('nest-app report export settings', () => {
  it.each([
    ['REPORT_EXPORT_DIR', 'relative/exports', 'REPORT_EXPORT_DIR must be an absolute directory'],
    ['REPORT_EXPORT_LINK_SECRET', 'too-short', 'REPORT_EXPORT_LINK_SECRET'],
    ['REPORT_EXPORT_LINK_TTL_SECONDS', '5', 'REPORT_EXPORT_LINK_TTL_SECONDS'],
    ['REPORT_EXPORT_LINK_TTL_SECONDS', '86401', 'REPORT_EXPORT_LINK_TTL_SECONDS'],
  ])('refuses %s=%p at boot, naming it', (setting, value, message) => {
    expect(() => loadAppConfig({ [setting]: value })).toThrow(message);
  });

  it('takes an absolute directory and a TTL within bounds', () => {
    const config = loadAppConfig({ REPORT_EXPORT_DIR: '/srv/exports', REPORT_EXPORT_LINK_TTL_SECONDS: '60' });
    expect([config.REPORT_EXPORT_DIR, config.REPORT_EXPORT_LINK_TTL_SECONDS]).toEqual(['/srv/exports', 60]);
  });
});
