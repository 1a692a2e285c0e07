import { SignedLinks } from './signed-links';

describe('SignedLinks', () => {
  const links = new SignedLinks('a-secret-of-at-least-thirty-two-characters');
  const id = '1b4e28ba-2fa1-41d2-883f-0016d3cca427';

  it('accepts its own link until it expires, then says expired', () => {
    const { expires, signature } = links.sign(id, 1_000);
    expect(links.check(id, String(expires), signature, 999)).toBe('valid');
    expect(links.check(id, String(expires), signature, 1_000)).toBe('valid');
    expect(links.check(id, String(expires), signature, 1_001)).toBe('expired');
  });

  it('refuses a link for another export, a moved expiry, a changed signature or another key', () => {
    const { expires, signature } = links.sign(id, 1_000);
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    expect(links.check('2b4e28ba-2fa1-41d2-883f-0016d3cca427', String(expires), signature, 0)).toBe('invalid');
    expect(links.check(id, '5000', signature, 0)).toBe('invalid');
    expect(links.check(id, String(expires), flipped, 0)).toBe('invalid');
    expect(new SignedLinks('another-secret-of-thirty-two-characters!').check(id, '1000', signature, 0)).toBe('invalid');
  });

  it.each([
    [undefined, 'x'],
    ['12a', 'x'.repeat(43)],
    ['1000', undefined],
    ['1000', 'short'],
    ['1000', '%'.repeat(43)],
  ])('refuses malformed parameters expires=%p signature=%p', (expires, signature) => {
    expect(links.check(id, expires, signature, 0)).toBe('invalid');
  });
});
