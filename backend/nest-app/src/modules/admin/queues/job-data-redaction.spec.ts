import { redactJobData } from './job-data-redaction';

describe('job data as the queue board shows it', () => {
  it('blanks texts, codes and tokens at any depth and keeps the rest', () => {
    const data = {
      to: 'player@example.test',
      template: 'sign-in-code',
      text: 'Your code is 482913',
      html: '<p>482913</p>',
      params: { code: '482913', link: { magicToken: 'mt-secret' } },
      attempts: [{ gatewayToken: 'gw-secret', status: 503 }],
    };
    const shown = JSON.stringify(redactJobData(data));
    for (const secret of ['482913', 'mt-secret', 'gw-secret']) expect(shown).not.toContain(secret);
    expect(redactJobData(data)).toMatchObject({
      to: 'player@example.test',
      template: 'sign-in-code',
      text: '[REDACTED]',
      attempts: [{ gatewayToken: '[REDACTED]', status: 503 }],
    });
    expect(redactJobData('plain')).toBe('plain');
    expect(redactJobData(null)).toBeNull();
  });
});
